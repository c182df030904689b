/** A planned node: its type and the nodes it needs (explicit and from templates), as the server compiles them. */
export interface PlanNode {
  id: string;
  type: string;
  needs: string[];
}

export const NODE_WIDTH = 200;
export const NODE_HEIGHT = 72;
const COLUMN = NODE_WIDTH + 60;
const ROW = NODE_HEIGHT + 24;
/** Crossing-reduction sweeps; each is linear in nodes and edges. */
const SWEEPS = 4;
/** Above this many nodes, rows stay in definition order: the sweeps would cost more than they show. */
const ORDER_LIMIT = 2_000;

export type Positions = Map<string, { x: number; y: number }>;

/**
 * A layered left-to-right layout: a column per plan level (every node right of
 * what it needs, the server's own levels), rows ordered by the barycentre of
 * each node's neighbours in the column before and after (a few down and up
 * sweeps), so edges cross less. ELK's layered algorithm does the same with
 * more refinement, but is 470 KB of gzipped JavaScript by itself, most of the
 * dashboard's 500 KB budget (weft-ops §11); this is linear per sweep and keeps
 * a 10,000-node run's page instant.
 */
export function layoutGraph(nodes: PlanNode[], levels: string[][]): Positions {
  const columns = levels.map((level) => [...level]);
  if (nodes.length <= ORDER_LIMIT) {
    const needs = new Map(nodes.map((n) => [n.id, n.needs]));
    const feeds = new Map<string, string[]>();
    for (const n of nodes) for (const from of n.needs) feeds.set(from, [...(feeds.get(from) ?? []), n.id]);
    const row = new Map<string, number>();
    const index = (column: string[]) => column.forEach((id, i) => row.set(id, i));
    columns.forEach(index);
    const centre = (ids: string[] | undefined, fallback: number) => {
      const placed = (ids ?? []).map((id) => row.get(id)).filter((r): r is number => r !== undefined);
      return placed.length ? placed.reduce((a, b) => a + b, 0) / placed.length : fallback;
    };
    const sweep = (column: string[], by: Map<string, string[]>) => {
      const keyed = column.map((id, i) => ({ id, key: centre(by.get(id), i) }));
      keyed.sort((a, b) => a.key - b.key);
      column.splice(0, column.length, ...keyed.map((k) => k.id));
      index(column);
    };
    for (let s = 0; s < SWEEPS; s++) {
      for (let c = 1; c < columns.length; c++) sweep(columns[c]!, needs);
      for (let c = columns.length - 2; c >= 0; c--) sweep(columns[c]!, feeds);
    }
  }
  // Columns are centred on the tallest, so a fan-in sits level with its fan-out.
  const tallest = Math.max(1, ...columns.map((c) => c.length));
  const positions: Positions = new Map();
  columns.forEach((column, x) => {
    const offset = nodes.length <= ORDER_LIMIT ? ((tallest - column.length) * ROW) / 2 : 0;
    column.forEach((id, y) => positions.set(id, { x: x * COLUMN, y: offset + y * ROW }));
  });
  return positions;
}
