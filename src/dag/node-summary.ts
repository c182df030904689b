import type { NodeSpec } from './schema.js';

/** Temporal shows summaries on one line; longer ones are cut. */
const MAX_SUMMARY = 120;

/**
 * How a node's activity reads in Temporal's Web UI timeline: its id, type and
 * what it calls: `draft · agent anthropic claude-sonnet-4`, `fetch · http
 * api.example.com`, `notify · slack.post`. Only what the definition states as
 * plain text: a templated model or host is left out (it could resolve to a
 * secret), and a URL's credentials never appear.
 */
export function nodeSummary(node: { id: string; spec: NodeSpec }): string {
  const what = target(node.spec);
  const summary = `${node.id} · ${node.spec.type}${what ? ` ${what}` : ''}`;
  return summary.length > MAX_SUMMARY ? `${summary.slice(0, MAX_SUMMARY - 1)}…` : summary;
}

function target(spec: NodeSpec): string | undefined {
  if (spec.type === 'agent') {
    const { model, tier, provider } = spec.agent;
    return [provider, model ?? tier].filter((v): v is string => v !== undefined && !v.includes('{{')).join(' ') || undefined;
  }
  if (spec.type === 'http') return hostOf(spec.request.url);
  return undefined;
}

/** The URL's host, unless templated; never its user info. */
function hostOf(url: string): string | undefined {
  const authority = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(url)?.[1];
  const host = authority?.slice(authority.lastIndexOf('@') + 1);
  return host && !host.includes('{') && !host.includes('}') ? host : undefined;
}
