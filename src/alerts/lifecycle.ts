import type { AlertState } from '../db/schema/alerts.js';

/**
 * The alert lifecycle (contract weft-ops §13), pure: given what an alert was,
 * whether its condition holds now, and whether a silence covers it, what it
 * becomes and which notice (if any) is due. Invariants:
 * - the channels hear `firing` once per firing, then again every repeat
 *   interval while it fires, and `resolved` once, only after a `firing`;
 * - a silenced alert changes state as usual but sends nothing; once the
 *   silence ends, the notice its receivers are missing goes out;
 * - a condition that ends before `for` elapses resolves without a word.
 */

/** A condition a rule's kind found in the stored records: one alert's labels and what shows it. */
export interface Condition {
  fingerprint: string;
  ruleId: string;
  labels: Record<string, string>;
  summary: string;
  evidence: Record<string, unknown>;
  value: number | null;
  /** How many runs it stands for (run_failed groups later failures into one later notice); 1 for the others. */
  count: number;
}

/** An alert as stored. */
export interface AlertRecord {
  fingerprint: string;
  ruleId: string;
  labels: Record<string, string>;
  state: AlertState;
  activeSince: Date;
  firingSince: Date | null;
  resolvedAt: Date | null;
  notifiedState: AlertState | null;
  notifiedAt: Date | null;
  notices: number;
  notifiedCount: number;
  silenced: boolean;
  summary: string;
  evidence: Record<string, unknown>;
  value: number | null;
}

export interface RuleTiming {
  forMs: number;
  repeatIntervalMs: number;
  /** A firing alert whose count grew is told again once this long has passed since its last notice (run_failed's 1-minute window). */
  groupMs: number;
}

/** A notice due: its idempotency key names the alert, the state, the firing's start and the repeat. */
export interface Notice {
  key: string;
  state: 'firing' | 'resolved';
}

export interface Step {
  next: AlertRecord;
  notice: Notice | null;
}

/** One evaluation of one alert; undefined when there is no alert and no condition. */
export function step(prev: AlertRecord | undefined, condition: Condition | undefined, timing: RuleTiming, now: Date, silenced: boolean): Step | undefined {
  if (!condition && (!prev || (prev.state === 'resolved' && prev.notifiedState !== 'firing'))) {
    return prev && prev.silenced !== silenced ? { next: { ...prev, silenced }, notice: null } : undefined;
  }
  let next: AlertRecord;
  if (condition) {
    const fresh = !prev || prev.state === 'resolved';
    next = fresh
      ? { ...condition, state: 'pending', activeSince: now, firingSince: null, resolvedAt: null, notifiedState: null, notifiedAt: null, notices: 0, notifiedCount: 0, silenced }
      : { ...prev, summary: condition.summary, evidence: condition.evidence, value: condition.value, silenced };
    if (next.state === 'pending' && now.getTime() - next.activeSince.getTime() >= timing.forMs) {
      next = { ...next, state: 'firing', firingSince: now };
    }
  } else {
    next = { ...prev!, silenced };
    if (next.state !== 'resolved') next = { ...next, state: 'resolved', resolvedAt: now };
  }
  const notice = silenced ? null : due(next, condition?.count ?? 0, timing, now);
  if (!notice) return { next, notice: null };
  const told: AlertRecord = { ...next, notifiedState: notice.state, notifiedAt: now };
  return notice.state === 'firing' ? { next: { ...told, notices: next.notices + 1, notifiedCount: condition?.count ?? 0 }, notice } : { next: told, notice };
}

function due(alert: AlertRecord, count: number, timing: RuleTiming, now: Date): Notice | null {
  const firingStart = alert.firingSince?.toISOString() ?? '';
  if (alert.state === 'resolved') {
    return alert.notifiedState === 'firing' ? { key: `${alert.fingerprint}:resolved:${firingStart}`, state: 'resolved' } : null;
  }
  if (alert.state !== 'firing') return null;
  const sinceLast = alert.notifiedAt ? now.getTime() - alert.notifiedAt.getTime() : Infinity;
  const first = alert.notifiedState !== 'firing';
  const repeat = sinceLast >= timing.repeatIntervalMs;
  const grown = count > alert.notifiedCount && sinceLast >= timing.groupMs;
  if (!first && !repeat && !grown) return null;
  return { key: `${alert.fingerprint}:firing:${firingStart}:${alert.notices + 1}`, state: 'firing' };
}
