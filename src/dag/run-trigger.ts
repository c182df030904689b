/**
 * What started a run (contract weft-ops §5): an API call with a key, a
 * re-run of an earlier run, or a schedule.
 */
export type RunTrigger =
  | { type: 'api'; keyId: string | null }
  | { type: 'rerun'; runId: string }
  | { type: 'schedule'; scheduleId: string };
