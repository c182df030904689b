import type { PlanNode } from './plan.js';
import type { NodeStatus } from './run-state.js';
import type { TriggerRule } from './schema.js';

/** How far a node's needs have come. */
export interface NeedCounts {
  total: number;
  terminal: number;
  succeeded: number;
  failed: number;
}

export type TriggerVerdict = 'wait' | 'run' | 'skip';

/**
 * Applies a trigger rule (contract 3.2) to the state of a node's needs. A node
 * waits until all needs are terminal, except `one_succeeded` and `one_failed`,
 * which fire on the first matching need.
 */
export function triggerVerdict(rule: TriggerRule, c: NeedCounts): TriggerVerdict {
  const allDone = c.terminal === c.total;
  switch (rule) {
    case 'one_succeeded':
      if (c.succeeded > 0) return 'run';
      return allDone ? 'skip' : 'wait';
    case 'one_failed':
      if (c.failed > 0) return 'run';
      return allDone ? 'skip' : 'wait';
    case 'all_done':
      return allDone ? 'run' : 'wait';
    case 'all_succeeded':
      if (!allDone) return 'wait';
      return c.succeeded === c.total ? 'run' : 'skip';
    case 'none_failed':
      if (!allDone) return 'wait';
      if (c.total === 0) return 'run';
      return c.failed === 0 && c.succeeded > 0 ? 'run' : 'skip';
  }
}

/**
 * Decides, as nodes settle, which nodes become runnable and which are skipped
 * because of their needs (`upstream`). Runnable nodes queue in definition order.
 * Pure and incremental: each settle touches only the settled node's dependents,
 * so a 10,000-node scope costs O(edges) in all, not O(nodes²).
 */
export class Scheduler {
  private readonly counts = new Map<string, NeedCounts>();
  private readonly decided = new Set<string>();
  private readonly ready = new MinHeap();
  private readonly byId: Map<string, PlanNode>;

  constructor(private readonly nodes: readonly PlanNode[]) {
    this.byId = new Map(nodes.map((n) => [n.id, n]));
    for (const node of nodes) {
      this.counts.set(node.id, { total: node.needs.length, terminal: 0, succeeded: 0, failed: 0 });
    }
  }

  /**
   * Decides the nodes whose needs are already met; call once at start.
   * @returns ids skipped (`upstream`), in the order they were decided.
   */
  start(): string[] {
    const skipped: string[] = [];
    for (const node of this.nodes) this.decide(node, skipped);
    return skipped;
  }

  /**
   * Records that a node reached a terminal status and decides its dependents.
   * Skips cascade: a node skipped here settles in turn.
   * @returns ids skipped (`upstream`) as a consequence, in the order decided.
   */
  settle(id: string, status: NodeStatus): string[] {
    const skipped: string[] = [];
    const queue: [string, NodeStatus][] = [[id, status]];
    while (queue.length > 0) {
      const [current, currentStatus] = queue.shift()!;
      for (const dependentId of this.byId.get(current)?.dependents ?? []) {
        this.count(dependentId, currentStatus);
        const before = skipped.length;
        this.decide(this.byId.get(dependentId)!, skipped);
        for (const s of skipped.slice(before)) queue.push([s, 'skipped']);
      }
    }
    return skipped;
  }

  /**
   * Brings a fresh scheduler to where an earlier one was, from the nodes that had
   * settled (a run continuing as new). Call before `start`, which then decides the rest.
   */
  restore(settled: Iterable<[string, NodeStatus]>): void {
    for (const [id, status] of settled) {
      this.decided.add(id);
      for (const dependentId of this.byId.get(id)?.dependents ?? []) this.count(dependentId, status);
    }
  }

  /** Marks a node as decided without running it (e.g. cancelled while pending). */
  withdraw(id: string): void {
    this.decided.add(id);
  }

  /** The runnable node first in definition order, removed from the queue. */
  takeReady(): string | undefined {
    const index = this.ready.pop();
    return index === undefined ? undefined : this.nodes[index]!.id;
  }

  get readyCount(): number {
    return this.ready.size;
  }

  /** Counts one more settled need of `id`. */
  private count(id: string, status: NodeStatus): void {
    const c = this.counts.get(id)!;
    c.terminal += 1;
    if (status === 'succeeded') c.succeeded += 1;
    if (status === 'failed') c.failed += 1;
  }

  private decide(node: PlanNode, skipped: string[]): void {
    if (this.decided.has(node.id)) return;
    const verdict = triggerVerdict(node.trigger, this.counts.get(node.id)!);
    if (verdict === 'wait') return;
    this.decided.add(node.id);
    if (verdict === 'run') this.ready.push(node.index);
    else skipped.push(node.id);
  }
}

/** A binary min-heap of node indices. */
class MinHeap {
  private readonly items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  push(value: number): void {
    const a = this.items;
    a.push(value);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (a[parent]! <= a[i]!) break;
      [a[parent], a[i]] = [a[i]!, a[parent]!];
      i = parent;
    }
  }

  pop(): number | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l]! < a[m]!) m = l;
        if (r < a.length && a[r]! < a[m]!) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }
}
