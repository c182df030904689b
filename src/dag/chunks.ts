/**
 * Splits items, in order, into chunks whose sizes add up to at most `limit`
 * (an item larger than the limit gets a chunk of its own), so each chunk fits
 * one payload.
 */
export function chunkBySize<T>(items: Iterable<T>, sizeOf: (item: T) => number, limit: number): T[][] {
  const chunks: T[][] = [];
  let bytes = 0;
  for (const item of items) {
    const size = sizeOf(item);
    const last = chunks[chunks.length - 1];
    if (last && bytes + size <= limit) {
      last.push(item);
      bytes += size;
    } else {
      chunks.push([item]);
      bytes = size;
    }
  }
  return chunks;
}
