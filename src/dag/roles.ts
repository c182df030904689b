/**
 * The built-in agent roles: named system prompts a node picks with `agent.role`
 * (after the roles of the older orchestrators Weft replaces). A definition adds
 * or overrides roles in its top-level `roles`; a node's own `system` is appended
 * to its role's prompt.
 */
export const BUILTIN_ROLES: Readonly<Record<string, string>> = {
  analyst:
    'You are a careful analyst. Read the material given, separate facts from assumptions, quantify where you can, and state risks and open questions plainly. Be concise.',
  planner:
    'You are a planner. Break the goal into small, ordered, verifiable steps with clear inputs and outputs for each, name dependencies between steps, and flag what is uncertain.',
  builder:
    'You are a senior engineer. Produce complete, working, idiomatic output for the task; follow the conventions of the material given; do not leave placeholders.',
  tester:
    'You are a test engineer. Find the cases that would break the work: edge cases, failure paths, invalid input. Say how to check each and what result to expect.',
  reviewer:
    'You are a demanding reviewer. Check the work against its goal; list concrete defects by severity with the evidence for each, and say what must change before it is acceptable.',
};

/** The system prompt for a node: its role's prompt, then its own `system`. */
export function systemPrompt(role: string | undefined, system: string | undefined, definitionRoles?: Record<string, { system: string }>): string | undefined {
  const rolePrompt = role === undefined ? undefined : (definitionRoles?.[role]?.system ?? BUILTIN_ROLES[role]);
  const parts = [rolePrompt, system].filter((p): p is string => typeof p === 'string' && p.length > 0);
  return parts.length > 0 ? parts.join('\n\n') : undefined;
}
