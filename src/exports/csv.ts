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
