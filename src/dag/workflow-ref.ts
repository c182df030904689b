/**
 * `name` or `name@version`: how a `workflow` node, a map over a workflow and
 * people name a stored definition. Parsed and printed here only.
 */
export interface WorkflowRef {
  name: string;
  /** A stored version; absent for the latest. */
  version?: number;
}

/** Reads `name` or `name@version` (the DSL's schema has checked the form). */
export function parseWorkflowRef(ref: string): WorkflowRef {
  const at = ref.indexOf('@');
  if (at < 0) return { name: ref };
  return { name: ref.slice(0, at), version: Number(ref.slice(at + 1)) };
}

/** Prints a reference the way `parseWorkflowRef` reads it. */
export function formatWorkflowRef(name: string, version?: number | null): string {
  return version === undefined || version === null ? name : `${name}@${version}`;
}
