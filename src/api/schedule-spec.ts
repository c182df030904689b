/**
 * The parts of a schedule's spec that Temporal reads, checked before they reach
 * it: Temporal's refusal arrives as an untyped gRPC error whose wording
 * changes between server versions, so a spec it would refuse is refused here,
 * as the user's content, at its field.
 */

/** One cron field: its range and, for month and weekday, the names it takes. */
interface CronField {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const CRON_FIELDS: readonly CronField[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  // 7 is Sunday too, as in Temporal and most crons.
  { name: 'day of week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

/** `*`, `n`, `n-m`, each optionally `/step`. */
const CRON_ITEM = /^(\*|[0-9A-Za-z]+(?:-[0-9A-Za-z]+)?)(?:\/(\d+))?$/;

/**
 * Why a five-field cron expression is not one Weft accepts, or undefined when
 * it is: each field a comma list of `*`, `n` or `n-m`, each with an optional
 * `/step` ≥ 1, in the field's range (months and weekdays also by their
 * three-letter English names).
 */
export function cronProblem(cron: string): string | undefined {
  const parts = cron.trim().split(/\s+/);
  if (parts.length !== CRON_FIELDS.length) return 'must be a five-field cron expression';
  for (const [i, field] of CRON_FIELDS.entries()) {
    for (const item of parts[i]!.split(',')) {
      const problem = itemProblem(item, field);
      if (problem) return `${field.name} ${JSON.stringify(item)}: ${problem}`;
    }
  }
  return undefined;
}

function itemProblem(item: string, field: CronField): string | undefined {
  const match = CRON_ITEM.exec(item);
  if (!match) return 'must be *, a value or a range, optionally with /step';
  const [, range, step] = match;
  if (step !== undefined && Number(step) < 1) return 'the step must be at least 1';
  if (range === '*') return undefined;
  const [from, to = from] = range!.split('-').map((v) => fieldValue(v, field));
  if (from === undefined || to === undefined) return `values must be ${field.min}-${field.max}${field.names ? ` or ${field.names[0]}-${field.names.at(-1)}` : ''}`;
  if (to < from) return 'the range ends before it starts';
  return undefined;
}

function fieldValue(text: string, field: CronField): number | undefined {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n >= field.min && n <= field.max ? n : undefined;
  }
  const index = field.names?.indexOf(text.toUpperCase()) ?? -1;
  return index < 0 ? undefined : index + (field.name === 'month' ? 1 : 0);
}

/**
 * Whether a time zone is an IANA name Temporal's tz database knows. `Intl`
 * accepts names in any case (`utc`, `europe/paris`) that Temporal refuses: a
 * name must also be written as the database writes it.
 */
export function isTimeZone(zone: string): boolean {
  let canonical: string;
  try {
    canonical = new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return false;
  }
  if (canonical.toLowerCase() === zone.toLowerCase()) return canonical === zone;
  // A link (Asia/Calcutta, US/Pacific): its own case cannot be checked against Intl, but every part of an IANA name starts with a capital.
  return zone.split('/').every((part) => /^[A-Z]/.test(part));
}
