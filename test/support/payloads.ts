/** The decoded `data` of every payload in a history's JSON: where a leaked secret would show. */
export function decodedPayloads(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const item of node) decodedPayloads(item, out);
  else if (node !== null && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    if (typeof record.data === 'string' && record.metadata !== null && typeof record.metadata === 'object') out.push(Buffer.from(record.data, 'base64').toString('utf8'));
    for (const value of Object.values(record)) decodedPayloads(value, out);
  }
  return out;
}
