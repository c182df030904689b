import { describe, expect, it } from 'vitest';
import type { RunWire } from '../../src/cli/api-client.js';
import { progressBar, renderLive, renderSummary } from '../../src/cli/watch/render.js';
import { applyEvent, stateOfRun } from '../../src/cli/watch/state.js';

const t0 = Date.parse('2025-01-01T00:00:00Z');
const at = (s: number) => new Date(t0 + s * 1_000).toISOString();
const node = (status: string, extra: Record<string, unknown> = {}) => ({ status, attempts: 0, startedAt: null, endedAt: null, error: null, costUsd: null, degraded: false, fallback: null, skippedReason: null, ...extra });

const run = {
  id: 'run-1',
  status: 'running',
  workflow: 'review',
  version: 1,
  degraded: false,
  costUsd: 0.0123,
  priority: 3,
  startedAt: at(0),
  endedAt: null,
  trigger: null,
  error: null,
  nodes: {
    fetch: node('succeeded', { attempts: 1, startedAt: at(0), endedAt: at(2), costUsd: 0.0123 }),
    items: node('running', { attempts: 1, startedAt: at(2) }),
    approve: node('pending'),
  },
} as RunWire;

describe('the live view', () => {
  it('draws the run, a progress bar and each node in plan order with its figures', () => {
    let state = stateOfRun(run);
    state = applyEvent(state, { id: '5', event: 'node', data: { runId: 'run-1', nodeId: 'items', status: 'running', attempts: 2, startedAt: at(2), endedAt: null, costUsd: null, degraded: false, skippedReason: null, error: null, progress: { done: 3, total: 10 } } })!;
    const lines = renderLive(state, { width: 100, now: t0 + 5_000, color: false });
    expect(lines[0]).toBe('review · run run-1 · running · 5.0s · $0.0123');
    expect(lines[1]).toMatch(/^\[#+\.+\] 1\/3$/);
    expect(lines.slice(2).map((l) => l.split(/\s+/).slice(0, 2).join(' '))).toEqual(['✔ fetch', '◐ items', '○ approve']);
    expect(lines[3]).toContain('attempt 2');
    expect(lines[3]).toContain('[###.......] 3/10');
    expect(lines[2]).toContain('2.0s');
  });

  it('keeps every line within the width and colours only when asked', () => {
    const state = stateOfRun(run);
    for (const line of renderLive(state, { width: 24, now: t0, color: false })) expect(line.length).toBeLessThanOrEqual(24);
    expect(renderLive(state, { width: 80, now: t0, color: true })[2]?.startsWith("\x1b[32m✔ fetch")).toBe(true);
  });

  it('shows a waiting approval and the run outcome from events', () => {
    let state = stateOfRun(run);
    state = applyEvent(state, { id: '6', event: 'node', data: { runId: 'run-1', nodeId: 'approve', status: 'waiting', attempts: 1, startedAt: at(3), endedAt: null, costUsd: null, degraded: false, skippedReason: null, error: null, progress: null } })!;
    expect(renderLive(state, { width: 100, now: t0, color: false })[4]).toMatch(/^◆ approve\s+waiting .*waiting for approval$/);
    state = applyEvent(state, { id: '7', event: 'run', data: { runId: 'run-1', status: 'failed', costUsd: 0.5, degraded: false, error: { code: 'NODE_FAILED', message: 'boom' }, endedAt: at(9) } })!;
    const lines = renderLive(state, { width: 100, now: t0, color: false });
    expect(lines[0]).toBe('review · run run-1 · failed · 9.0s · $0.5000');
    expect(lines.at(-1)).toBe('NODE_FAILED: boom');
  });

  it('ends with a summary table', () => {
    const summary = renderSummary(stateOfRun(run), t0 + 4_000).split('\n');
    expect(summary[0]).toMatch(/^NODE\s+STATUS\s+ATTEMPTS\s+DURATION\s+COST$/);
    expect(summary[1]).toMatch(/^fetch\s+succeeded\s+1\s+2.0s\s+\$0.0123$/);
    expect(summary.at(-1)).toMatch(/^total\s+running\s+4.0s\s+\$0.0123$/);
  });

  it('fills the bar by share', () => {
    expect(progressBar(1, 4, 8)).toBe('[##......] 1/4');
    expect(progressBar(0, 0, 4)).toBe('[####] 0/0');
  });
});
