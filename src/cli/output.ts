import { table } from './format.js';

/** Writes machine output: one JSON document on stdout, nothing else. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Writes `value` as JSON with `--json`, else the human text `human` makes of it. */
export function print<T>(value: T, json: boolean | undefined, human: (value: T) => string): void {
  if (json) printJson(value);
  else process.stdout.write(`${human(value)}\n`);
}

/** A table of items, or a line saying there are none. */
export function listing<T>(items: T[], header: string[], row: (item: T) => string[], none: string): string {
  return items.length === 0 ? none : table(header, items.map(row));
}
