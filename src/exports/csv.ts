/** Characters that make a spreadsheet read a cell as a formula (contract weft-ops §14). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** A value as its CSV text: null empty, objects as JSON, a formula-looking string prefixed with `'`. */
export function csvText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return FORMULA_START.test(value) ? `'${value}` : value;
  if (typeof value === 'object') return csvText(JSON.stringify(value));
  return String(value);
}

/** One RFC 4180 field: quoted when it holds a comma, a quote, CR or LF, with quotes doubled. */
export function csvField(value: unknown): string {
  const text = csvText(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV record, CRLF-terminated as RFC 4180 has it. */
export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

/**
 * Records as CSV, each row's `columns` in order, as one string: no array or
 * line string per row on the way (an export encodes a page of them at once).
 */
export function csvRecords(rows: readonly Readonly<Record<string, unknown>>[], columns: readonly string[]): string {
  let out = '';
  for (const row of rows) {
    out += csvField(row[columns[0]!]);
    for (let i = 1; i < columns.length; i++) out += `,${csvField(row[columns[i]!])}`;
    out += '\r\n';
  }
  return out;
}
