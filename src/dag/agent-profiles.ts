/**
 * Agent profiles (`agents:`, weft-agents 1): what a config that `use`s one
 * builds on. Pure and untyped at the edges, so validation (over raw input) and
 * the interpreter (over a valid definition) read profiles the same way.
 */

type Profiles = Readonly<Record<string, { use?: unknown }>>;

/** The profiles a `use` leads through, nearest first; stops at an unknown name or a repeat (a cycle, which validation refuses). */
export function profileChain(profiles: Profiles | undefined, use: unknown): string[] {
  const chain: string[] = [];
  let next = use;
  while (profiles && typeof next === 'string' && Object.hasOwn(profiles, next) && !chain.includes(next)) {
    chain.push(next);
    next = profiles[next]!.use;
  }
  return chain;
}

/** A config's fields over those of the profiles it `use`s: its own win, then the nearest profile's. */
export function withProfiles<T extends { use?: unknown }>(profiles: Profiles | undefined, config: T): T {
  const merged: Record<string, unknown> = {};
  for (const name of profileChain(profiles, config.use).reverse()) Object.assign(merged, profiles![name]);
  return Object.assign(merged, config) as T;
}
