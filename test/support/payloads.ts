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

/** Every row of every table of the database at `url`, as JSON text, and the tables' names: where a leaked secret would show. */
export async function databaseDump(url: string): Promise<{ tables: string[]; text: string }> {
  const { default: postgres } = await import('postgres');
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const tables = (await sql<{ table_name: string }[]>`select table_name from information_schema.tables where table_schema = 'public'`).map((t) => t.table_name);
    const dumps = await Promise.all(tables.map((table) => sql.unsafe(`select row_to_json(t)::text as row from ${table} t`)));
    return { tables, text: dumps.flat().map((r) => r.row as string).join('\n') };
  } finally {
    await sql.end();
  }
}
