import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/** A person the test provider knows: the dev login page takes their id as the login. */
export interface TestAccount {
  email: string;
  name: string;
  groups: string[];
}

/** A real OpenID provider (`oidc-provider`) on loopback, with one confidential client, and a hook on its token answers. */
export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Rewrites the ID token of every token answer while set (a forged or altered token reaching Weft). */
  tamper: ((idToken: string, resign: (claims: Record<string, unknown>) => string) => string) | undefined;
  close(): Promise<void>;
}

const listen = (server: Server) => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
const b64 = (data: string | Buffer) => Buffer.from(data).toString('base64url');

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Signs claims as the provider would: its own key and `kid`, so only the claims can make it wrong. */
function signer(privateKey: KeyObject, kid: string) {
  return (claims: Record<string, unknown>) => {
    const input = `${b64(JSON.stringify({ alg: 'RS256', kid, typ: 'JWT' }))}.${b64(JSON.stringify(claims))}`;
    return `${input}.${createSign('RSA-SHA256').update(input).sign(privateKey).toString('base64url')}`;
  };
}

/**
 * Starts the provider: its own login and consent pages (devInteractions),
 * RP-initiated logout, `groups` in userinfo under the `groups` scope. Token
 * requests go through a front server that can rewrite the ID token (`tamper`)
 * by forwarding them to the same provider on an inner port.
 */
export async function startOidcProvider(options: { accounts: Record<string, TestAccount>; weftUrl: () => string }): Promise<TestProvider> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = 'weft-test-key';
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  const front = createServer();
  const port = await listen(front);
  const issuer = `http://127.0.0.1:${port}`;
  const clientId = 'weft';
  const clientSecret = 'weft-test-client-secret-0123456789';
  // Made at the first request: Weft's address (its redirect URI) is known only once Weft, which needs this issuer, is up.
  const make = () => new Provider(issuer, {
    clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: [`${options.weftUrl()}/auth/callback`], post_logout_redirect_uris: [`${options.weftUrl()}/`], token_endpoint_auth_method: 'client_secret_post' }],
    jwks: { keys: [jwk as never] },
    pkce: { required: () => true },
    claims: { openid: ['sub'], email: ['email'], profile: ['name'], groups: ['groups'] },
    scopes: ['openid', 'email', 'profile', 'groups'],
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    cookies: { keys: ['weft-test-cookie-key'] },
    findAccount: (_ctx, id) => {
      const account = options.accounts[id];
      return account ? { accountId: id, claims: () => ({ sub: id, email: account.email, name: account.name, groups: account.groups }) } : undefined;
    },
  });
  let handle: ReturnType<Provider['callback']> | undefined;
  const callback = () => (handle ??= make().callback());
  const inner = createServer((req, res) => callback()(req, res));
  const innerPort = await listen(inner);
  const resign = signer(privateKey, kid);
  const result: TestProvider = { issuer, clientId, clientSecret, tamper: undefined, close: async () => {} };
  front.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const tamper = result.tamper;
    if (!tamper || req.method !== 'POST' || req.url !== '/token') return void callback()(req, res);
    void (async () => {
      const answer = await fetch(`http://127.0.0.1:${innerPort}/token`, {
        method: 'POST',
        headers: { 'content-type': req.headers['content-type'] ?? 'application/x-www-form-urlencoded' },
        body: new Uint8Array(await readBody(req)),
      });
      const body = (await answer.json()) as { id_token?: string };
      if (body.id_token) body.id_token = tamper(body.id_token, resign);
      res.writeHead(answer.status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
    })();
  });
  result.close = async () => {
    front.closeAllConnections();
    inner.closeAllConnections();
    await Promise.all([new Promise((r) => front.close(r)), new Promise((r) => inner.close(r))]);
  };
  return result;
}

/** An ID token's claims, unverified (the test reads what it is about to alter). */
export function claimsOf(idToken: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(idToken.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}
