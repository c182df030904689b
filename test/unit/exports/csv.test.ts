import { describe, expect, it } from 'vitest';
import { csvLine, csvRecords } from '../../../src/exports/csv.js';
import { parseCsvObjects } from '../../support/csv-parse.js';

const columns = ['id', 'message', 'cost', 'note'] as const;
const rows = [
  { id: 'a', message: '=HYPERLINK("http://evil.example/x","click, me")', cost: -1.5, note: null },
  { id: 'b', message: 'two\r\nlines, "quoted"', cost: 0, note: '+1' },
  // Keys in another order than the columns: the columns decide.
  { note: '@x', cost: 2, message: '\ttab', id: 'c' },
];

describe('csvRecords (weft-ops §14)', () => {
  it('encodes each row as csvLine does, in the columns order', () => {
    expect(csvRecords(rows, columns)).toBe(rows.map((r) => csvLine(columns.map((c) => r[c]))).join(''));
  });

  it('parses back to the rows, formula-looking strings prefixed with a quote', () => {
    expect(parseCsvObjects(csvLine(columns) + csvRecords(rows, columns))).toEqual([
      { id: 'a', message: `'=HYPERLINK("http://evil.example/x","click, me")`, cost: '-1.5', note: '' },
      { id: 'b', message: 'two\r\nlines, "quoted"', cost: '0', note: `'+1` },
      { id: 'c', message: `'\ttab`, cost: '2', note: `'@x` },
    ]);
  });

  it('is empty for no rows', () => {
    expect(csvRecords([], columns)).toBe('');
  });
});
