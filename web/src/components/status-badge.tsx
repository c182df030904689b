import type { NodeStatus, RunStatus } from '../api/types';

/** A status as a coloured label (colour is not the only cue: the word is there). */
export function StatusBadge({ status }: { status: RunStatus | NodeStatus }) {
  return <span className={`badge s-${status}`}>{status.replace('_', ' ')}</span>;
}
