import proto from '@temporalio/proto';
import { median } from './report.js';
import type { Variant } from './interpreter-report.js';

const { EventType } = proto.temporal.api.enums.v1;
type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;

/**
 * Where one run's wall time went, in milliseconds, from its history's event
 * times and the client's own clock (one machine, one clock): `start` from the
 * request to the workflow's first event, `firstTask` to its first activity
 * scheduled, `activities` to its last activity completed, `end` to the
 * workflow's close, `answer` from the close to the client's answer (negative
 * when the answer came first: Weft answers once the run's end is stored,
 * before its last workflow task completes). Undefined phases: a run with no
 * activity task (local activities).
 */
export interface RunPhases {
  start: number;
  firstTask: number | undefined;
  activities: number | undefined;
  end: number | undefined;
  answer: number;
  total: number;
}

const PHASES = ['start', 'firstTask', 'activities', 'end', 'answer', 'total'] as const;

function eventMs(event: HistoryEvent): number {
  const t = event.eventTime!;
  return Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6);
}

/** The phases of one run requested at `requestedAt` and answered at `answeredAt` (epoch ms). */
export function runPhases(events: readonly HistoryEvent[], requestedAt: number, answeredAt: number): RunPhases {
  const first = eventMs(events[0]!);
  const closed = eventMs(events.at(-1)!);
  const at = (type: number) => events.filter((e) => e.eventType === type).map(eventMs);
  const scheduled = at(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);
  const completed = at(EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED);
  const firstScheduled = scheduled[0];
  const lastCompleted = completed.length > 0 ? Math.max(...completed) : undefined;
  return {
    start: first - requestedAt,
    firstTask: firstScheduled === undefined ? undefined : firstScheduled - first,
    activities: firstScheduled === undefined || lastCompleted === undefined ? undefined : lastCompleted - firstScheduled,
    end: lastCompleted === undefined ? undefined : closed - lastCompleted,
    answer: answeredAt - closed,
    total: answeredAt - requestedAt,
  };
}

/** A markdown table of each phase's median per side, over a shape's single runs. */
export function phasesTable(shape: string, runs: Record<Variant, RunPhases[]>): string {
  const cell = (v: Variant, phase: (typeof PHASES)[number]) => {
    const values = runs[v].map((r) => r[phase]).filter((x): x is number => x !== undefined);
    return values.length === 0 ? '–' : median(values).toFixed(0);
  };
  return [
    `| ${shape}: median ms of ${runs.weft.length} / ${runs.hand.length} runs | ${PHASES.join(' | ')} |`,
    `| --- |${PHASES.map(() => ' ---: |').join('')}`,
    ...(['weft', 'hand'] as const).map((v) => `| ${v === 'weft' ? 'Weft' : 'hand-written'} | ${PHASES.map((p) => cell(v, p)).join(' | ')} |`),
  ].join('\n');
}
