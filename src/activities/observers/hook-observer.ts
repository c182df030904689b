import { FailureType } from '../../dag/failure-types.js';
import { HookName, type HookEvent } from '../../plugins/contract.js';
import type { AttemptInfo, AttemptObserver } from '../attempt-observer.js';
import type { HookDispatcher } from '../../plugins/hook-dispatcher.js';

/**
 * Turns the envelope's attempt reports for activity nodes into hook events:
 * `beforeNode` on the node's first attempt, `afterNode` when it succeeds,
 * `onNodeError` once per failed attempt (not a cancelled one), `onWarning` per
 * warning. Event ids match the interpreter's scheme, so a retried report
 * carries the same id.
 */
export function hookObserver(dispatcher: HookDispatcher, now: () => Date = () => new Date()): AttemptObserver {
  const event = (info: AttemptInfo, type: HookName, eventId: string, node: Record<string, unknown>, extra: Partial<HookEvent> = {}): HookEvent => ({
    eventId,
    type,
    at: now().toISOString(),
    runId: info.runId,
    workflow: info.workflow ?? '',
    nodeId: info.nodeId,
    node: { id: info.nodeId, type: info.nodeType, attempt: info.nodeAttempt, fallback: info.fallback, startedAt: info.startedAt, ...node },
    ...extra,
  });
  const base = (info: AttemptInfo) => `${info.runId}:${info.nodeId}`;
  return {
    async started(info) {
      if (info.nodeAttempt !== 1) return;
      await dispatcher.deliver([event(info, HookName.BeforeNode, `${base(info)}:beforeNode`, { status: 'running' })]);
    },
    async succeeded(info, output, costUsd) {
      await dispatcher.deliver([event(info, HookName.AfterNode, `${base(info)}:afterNode`, { status: 'succeeded', output, costUsd })]);
    },
    async failed(info, error, willRetry) {
      if (error.type === FailureType.Cancelled) return;
      await dispatcher.deliver([
        event(info, HookName.OnNodeError, `${base(info)}:${info.nodeAttempt}:onNodeError`, { status: willRetry ? 'retrying' : 'failed', error }, { error, attempt: info.nodeAttempt }),
      ]);
    },
    async warned(info, warning, index) {
      await dispatcher.deliver([event(info, HookName.OnWarning, `${base(info)}:${info.nodeAttempt}:onWarning:${index}`, { status: 'running' }, { warning })]);
    },
  };
}
