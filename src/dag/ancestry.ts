/**
 * Answers "is `target` an ancestor of `id`?" over a needs graph. Most
 * references name a direct need, answered at once. The first indirect question
 * builds every node's ancestors as a bit set, once: the graph's nodes in
 * dependency order, each set the union of its needs' sets and the needs
 * themselves. That is O(edges × nodes / 32) word operations and nodes² bits
 * (12.5 MB at 10,000 nodes), where walking the graph per question made
 * validating a 10,000-node chain whose nodes read its first node quadratic in
 * time and, with ancestor `Set`s memoised, in memory.
 */
export class Ancestry {
  private bits: { index: Map<string, number>; ids: string[]; words: number; sets: Uint32Array } | undefined;

  constructor(private readonly needs: ReadonlyMap<string, readonly string[]>) {}

  has(id: string, target: string): boolean {
    if (this.needs.get(id)?.includes(target)) return true;
    const { index, words, sets } = this.closure();
    const i = index.get(id);
    const t = index.get(target);
    if (i === undefined || t === undefined) return false;
    return (sets[i * words + (t >>> 5)]! & (1 << (t & 31))) !== 0;
  }

  /** Every ancestor of `id` (asked for map and loop nodes, whose bodies see them). */
  all(id: string): Set<string> {
    const { index, ids, words, sets } = this.closure();
    const i = index.get(id);
    const found = new Set<string>();
    if (i === undefined) return found;
    for (let w = 0; w < words; w++) {
      let word = sets[i * words + w]!;
      while (word !== 0) {
        const bit = 31 - Math.clz32(word);
        found.add(ids[w * 32 + bit]!);
        word &= ~(1 << bit);
      }
    }
    return found;
  }

  private closure() {
    if (this.bits) return this.bits;
    const ids = [...new Set([...this.needs.keys(), ...[...this.needs.values()].flat()])];
    const index = new Map(ids.map((id, i) => [id, i]));
    const words = Math.ceil(ids.length / 32);
    const sets = new Uint32Array(ids.length * words);
    /** Adds `into`'s needs and their ancestors to its set; says whether the set grew. */
    const union = (into: number): boolean => {
      let changed = false;
      for (const need of this.needs.get(ids[into]!) ?? []) {
        const n = index.get(need)!;
        const word = into * words + (n >>> 5);
        const before = sets[word]!;
        sets[word] = before | (1 << (n & 31));
        changed ||= sets[word] !== before;
        for (let w = 0; w < words; w++) {
          const prev = sets[into * words + w]!;
          const next = prev | sets[n * words + w]!;
          if (next !== prev) {
            sets[into * words + w] = next;
            changed = true;
          }
        }
      }
      return changed;
    };
    // Dependency order (Kahn): a node's needs are complete before it is unioned.
    const waiting = ids.map((id) => (this.needs.get(id) ?? []).length);
    const dependants = new Map<string, number[]>();
    ids.forEach((id, i) => {
      for (const need of this.needs.get(id) ?? []) {
        const list = dependants.get(need);
        if (list) list.push(i);
        else dependants.set(need, [i]);
      }
    });
    const ready = ids.flatMap((_, i) => (waiting[i] === 0 ? [i] : []));
    const done = new Uint8Array(ids.length);
    while (ready.length > 0) {
      const i = ready.pop()!;
      done[i] = 1;
      union(i);
      for (const d of dependants.get(ids[i]!) ?? []) if (--waiting[d]! === 0) ready.push(d);
    }
    // Nodes on a cycle (already reported as errors) never become ready: their sets are closed by repeating unions until nothing changes.
    const cyclic = ids.flatMap((_, i) => (done[i] ? [] : [i]));
    for (let changed = cyclic.length > 0; changed; ) {
      changed = false;
      for (const i of cyclic) changed = union(i) || changed;
    }
    this.bits = { index, ids, words, sets };
    return this.bits;
  }
}
