import proto from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { phasesTable, runPhases } from '../../../bench/run-phases.js';

const { EventType } = proto.temporal.api.enums.v1;
type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;
// Seconds are a Long in the SDK's histories; runPhases reads them with Number(), as it does a number.
const at = (ms: number, eventType: number) => ({ eventType, eventTime: { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 } }) as unknown as HistoryEvent;
const T = 1_796_652_386_000;

describe('runPhases', () => {
  const history = [
    at(T + 10, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED),
    at(T + 25, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED),
    at(T + 26, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED),
    at(T + 180, EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED),
    at(T + 200, EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED),
    at(T + 230, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED),
  ];

  it('splits a run at its first event, first activity, last activity and close', () => {
    expect(runPhases(history, T, T + 236)).toEqual({ start: 10, firstTask: 15, activities: 175, end: 30, answer: 6, total: 236 });
  });

  it('counts an answer that came before the close as negative', () => {
    expect(runPhases(history, T, T + 225).answer).toBe(-5);
  });

  it('leaves the activity phases out of a run without activity tasks', () => {
    const local = [at(T + 3, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED), at(T + 50, EventType.EVENT_TYPE_MARKER_RECORDED), at(T + 52, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED)];
    expect(runPhases(local, T, T + 55)).toEqual({ start: 3, firstTask: undefined, activities: undefined, end: undefined, answer: 3, total: 55 });
  });
});

describe('phasesTable', () => {
  it("prints each side's medians, and a dash for a phase no run had", () => {
    const run = (start: number) => ({ start, firstTask: undefined, activities: undefined, end: undefined, answer: 1, total: start + 40 });
    const table = phasesTable('local chain', { weft: [run(9), run(11), run(10)], hand: [run(2)] });
    expect(table.split('\n')).toEqual([
      '| local chain: median ms of 3 / 1 runs | start | firstTask | activities | end | answer | total |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
      '| Weft | 10 | – | – | – | 1 | 50 |',
      '| hand-written | 2 | – | – | – | 1 | 42 |',
    ]);
  });
});
