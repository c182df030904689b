import { AppError } from '../errors.js';

/**
 * Cursors of aggregated lists (costs, nodes, recommendations): the position
 * after the page, opaque to clients. Aggregates have no stable row key, so
 * the position is an offset into their fixed order.
 */
export function encodePageCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64url');
}

/** The offset a cursor this API returned points at (0 without one). */
export function decodePageCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  try {
    const { offset } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { offset: unknown };
    if (Number.isSafeInteger(offset) && (offset as number) >= 0) return offset as number;
  } catch {
    // falls through to the refusal
  }
  throw new AppError('BAD_REQUEST', 'cursor is not one this API returned');
}

/** A page of `limit` items and the cursor to the next one, from a query asked for `limit + 1` rows. */
export function pageOf<T>(rows: T[], limit: number, offset: number): { items: T[]; nextCursor: string | null } {
  return { items: rows.slice(0, limit), nextCursor: rows.length > limit ? encodePageCursor(offset + limit) : null };
}
