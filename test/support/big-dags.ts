/**
 * Large DAGs for the scale tests and the benchmark: offline agents (the no-op
 * activity) whose answers depend on what they read, so a lost output shows.
 */

/** An offline agent answering with the template `text`; the definition's `defaults.agent` sets the provider. */
export const bigAgent = (id: string, text: string, needs?: string[]) => ({ id, type: 'agent', ...(needs ? { needs } : {}), agent: { prompt: id, mock: { text } } });

/** Defaults for the big DAGs: the offline provider, and quick retries. */
export const BIG_DEFAULTS = { agent: { provider: 'offline', mock: { text: '0' } }, retry: { maxAttempts: 2, initialInterval: '100ms' } };

/** A chain: n0 answers 1, each next node one more than the one before. */
export function bigChain(length: number): unknown[] {
  return [bigAgent('n0', '1'), ...Array.from({ length: length - 1 }, (_, i) => bigAgent(`n${i + 1}`, `{{ $string($number(nodes.n${i}.output.text) + 1) }}`, [`n${i}`]))];
}

/**
 * A mix of `groups` groups of 100 nodes: a chain of 50 counting 1..50, 49 nodes
 * fanning out from its end, a transform summing them. The run output `total`
 * sums the groups (groups × 49 × 50).
 */
export function bigMix(groups: number): { nodes: unknown[]; outputs: Record<string, string>; activityNodes: number; total: number } {
  const nodes: unknown[] = [];
  for (let g = 0; g < groups; g++) {
    nodes.push(bigAgent(`g${g}c0`, '1'));
    for (let i = 1; i < 50; i++) {
      const prev = `g${g}c${i - 1}`;
      nodes.push(bigAgent(`g${g}c${i}`, `{{ $string($number(nodes.${prev}.output.text) + 1) }}`, [prev]));
    }
    const fan = Array.from({ length: 49 }, (_, j) => bigAgent(`g${g}f${j}`, `{{ nodes.g${g}c49.output.text }}`, [`g${g}c49`]));
    nodes.push(...fan, { id: `g${g}j`, type: 'transform', needs: fan.map((f) => f.id), output: `{{ $sum([${fan.map((f) => `$number(nodes.${f.id}.output.text)`).join(', ')}]) }}` });
  }
  const joins = Array.from({ length: groups }, (_, g) => `nodes.g${g}j.output`);
  return { nodes, outputs: { total: `{{ $sum([${joins.join(', ')}]) }}` }, activityNodes: groups * 99, total: groups * 49 * 50 };
}
