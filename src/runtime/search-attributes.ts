import type { Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { WEFT_SEARCH_ATTRIBUTES } from '../workflows/search-attributes.js';

const KEYWORD = proto.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;

/**
 * Registers Weft's search attributes on a namespace if they are missing, so runs
 * can be filtered in the Web UI on any server (the dev server also gets them as
 * start flags).
 */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const known = { ...existing.customAttributes, ...existing.systemAttributes };
  const missing = WEFT_SEARCH_ATTRIBUTES.filter((key) => !(key.name in known));
  if (missing.length === 0) return;
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(missing.map((key) => [key.name, KEYWORD])),
  });
}
