import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/** Which destinations http nodes may reach. */
export interface DestinationPolicy {
  /** WEFT_HTTP_ALLOW_PRIVATE=1: every destination. */
  allowPrivate: boolean;
  /** Hostnames (`api.internal`, `*.corp.example`) and CIDR ranges allowed even when private. */
  allowHosts: string[];
}

/** A destination was refused by the guard. */
export class DestinationRefusedError extends Error {
  override readonly name = 'DestinationRefusedError';
}

/** Loopback, private, link-local, CGNAT, multicast, reserved and unspecified ranges. */
const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24],
  ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) PRIVATE.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96], ['2001:db8::', 32]] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv6');
}

/** Whether an address is one an http node must not reach by default (IPv4-mapped IPv6 included). */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return PRIVATE.check(mapped[1]!, 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

function allowList(policy: DestinationPolicy): { hosts: string[]; cidrs: BlockList } {
  const cidrs = new BlockList();
  const hosts: string[] = [];
  for (const entry of policy.allowHosts) {
    const [net, prefix] = entry.split('/');
    const family = net ? isIP(net) : 0;
    if (family && prefix !== undefined) cidrs.addSubnet(net!, Number(prefix), family === 4 ? 'ipv4' : 'ipv6');
    else if (family) cidrs.addAddress(net!, family === 4 ? 'ipv4' : 'ipv6');
    else hosts.push(entry.toLowerCase());
  }
  return { hosts, cidrs };
}

/**
 * The guard for one policy: `checkHost` for the URL's host before connecting,
 * `lookup` for the connection itself, so the address checked is the address
 * connected to (no DNS-rebinding gap between check and use).
 */
export function destinationGuard(policy: DestinationPolicy) {
  const allowed = allowList(policy);
  const hostAllowed = (host: string) =>
    allowed.hosts.some((h) => h === host.toLowerCase() || (h.startsWith('*.') && host.toLowerCase().endsWith(h.slice(1))));
  const addressAllowed = (address: string) => {
    if (policy.allowPrivate || !isPrivateAddress(address)) return true;
    const family = isIP(address);
    return family !== 0 && allowed.cidrs.check(address, family === 4 ? 'ipv4' : 'ipv6');
  };
  const refuse = (host: string, address: string) =>
    new DestinationRefusedError(`${host} resolves to ${address}, a private, loopback or link-local address; allow it with WEFT_HTTP_ALLOW_HOSTS or WEFT_HTTP_ALLOW_PRIVATE=1`);

  return {
    /** Refuses an IP-literal host at once (connections to literals skip DNS lookup). */
    checkHost(host: string): void {
      const bare = host.replace(/^\[|\]$/g, '');
      if (isIP(bare) && !hostAllowed(bare) && !addressAllowed(bare)) throw refuse(host, bare);
    },
    /** A `dns.lookup` replacement for the connection: resolves, then refuses any disallowed address. */
    lookup(hostname: string, options: { all?: boolean; family?: number }, callback: (err: Error | null, address: string | LookupAddress[], family?: number) => void): void {
      dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
        if (err) return callback(err, '');
        if (!hostAllowed(hostname)) {
          const bad = addresses.find((a) => !addressAllowed(a.address));
          if (bad) return callback(refuse(hostname, bad.address), '');
        }
        if (options.all) return callback(null, addresses);
        const [first] = addresses;
        return first ? callback(null, first.address, first.family) : callback(new Error(`no address for ${hostname}`), '');
      });
    },
  };
}
