import type { SearchAttributeKey } from '@temporalio/common/lib/search-attributes.js';

/**
 * Search attributes Weft sets on every run, so runs can be found in Temporal's
 * Web UI (`WeftWorkflow = "code-review" AND WeftStatus = "failed"`). Plain objects
 * rather than `defineSearchAttributeKey`, so workflow code needs no runtime import
 * beyond `@temporalio/workflow`.
 */
export const WEFT_WORKFLOW: SearchAttributeKey<'KEYWORD'> = { name: 'WeftWorkflow', type: 'KEYWORD' };
export const WEFT_STATUS: SearchAttributeKey<'KEYWORD'> = { name: 'WeftStatus', type: 'KEYWORD' };

/** Every Weft search attribute, for registration on a server. */
export const WEFT_SEARCH_ATTRIBUTES = [WEFT_WORKFLOW, WEFT_STATUS] as const;
