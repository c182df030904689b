/** Node fields holding a bare expression rather than templates. */
export const BARE_EXPRESSION_FIELDS: readonly string[] = ['when', 'items', 'until', 'value', 'autoApprove'];

/** Node fields whose strings are neither expressions nor templates. */
export const LITERAL_FIELDS: ReadonlySet<string> = new Set([
  'id',
  'type',
  'needs',
  'trigger',
  'onFailure',
  'title',
  'description',
  'tags',
  'cases',
  'default',
  'schema',
  'retry',
  'timeout',
  'totalTimeout',
  'workflow',
]);
