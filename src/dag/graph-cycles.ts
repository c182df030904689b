/**
 * Every cycle of a directed graph found by one depth-first walk, each once, as
 * `[a, b, …, a]` starting at the node the walk reached first. Iterative, so long
 * chains (10,000 nodes) cannot overflow the stack.
 */
export function findCycles(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'active' | 'done'>();
  for (const root of edges.keys()) {
    if (state.has(root)) continue;
    const stack: { id: string; next: number }[] = [{ id: root, next: 0 }];
    state.set(root, 'active');
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const list = edges.get(frame.id) ?? [];
      if (frame.next >= list.length) {
        state.set(frame.id, 'done');
        stack.pop();
        continue;
      }
      const next = list[frame.next++]!;
      const s = state.get(next);
      if (s === 'active') {
        const from = stack.findIndex((f) => f.id === next);
        cycles.push([...stack.slice(from).map((f) => f.id), next]);
      } else if (s === undefined) {
        state.set(next, 'active');
        stack.push({ id: next, next: 0 });
      }
    }
  }
  return cycles;
}
