import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { ConfigError, FormatError } from '../../src/core/errors.js';
import { readCsvColumns } from '../../src/data/read-csv-columns.js';

// compiled to dist/test/data/: the fixtures stay in test/fixtures/data/
const fixtures = join(
  resolve(dirname(fileURLToPath(import.meta.url)), '../../..'),
  'test',
  'fixtures',
  'data',
);
const file = (name: string): string => join(fixtures, name);

test('reads named columns and dates from a file path or URL', () => {
  const r = readCsvColumns(file('co2.csv'), { columns: ['CO2', 'temp'], dateColumn: 'date' });
  assert.equal(r.columns.CO2.length, 16);
  assert.equal(r.columns.CO2[0], 315.7);
  assert.equal(r.columns.temp[15], 12.9);
  assert.equal(r.dates?.[0], '1958-03');
  assert.equal(r.dates?.[15], '1959-06');
  const u = readCsvColumns(pathToFileURL(file('co2.csv')), { columns: ['CO2'] });
  assert.deepEqual(u.columns.CO2, r.columns.CO2);
});

test('missing values: FormatError with the line and column', () => {
  assert.throws(
    () => readCsvColumns(file('co2-missing.csv'), { columns: ['CO2'] }),
    (e: unknown) => {
      assert.ok(e instanceof FormatError);
      assert.ok(
        e.message.startsWith('readCsvColumns: line 14, column "CO2": expected a number, got "n/a"'),
        e.message,
      );
      return true;
    },
  );
  assert.throws(
    () => readCsvColumns(file('co2-missing.csv'), { columns: ['temp'] }),
    /readCsvColumns: line 16, column "temp": expected a number, got ""/,
  );
});

test("missing: 'skip' and 'interpolate' on a file", () => {
  const skipped = readCsvColumns(file('co2-missing.csv'), {
    columns: ['CO2', 'temp'],
    dateColumn: 'date',
    missing: 'skip',
  });
  assert.equal(skipped.columns.CO2.length, 14);
  assert.equal(skipped.dates?.includes('1959-03'), false);
  assert.equal(skipped.dates?.includes('1959-05'), false);
  const filled = readCsvColumns(file('co2-missing.csv'), {
    columns: ['CO2', 'temp'],
    missing: 'interpolate',
  });
  assert.equal(filled.columns.CO2.length, 16);
  assert.ok(Math.abs(filled.columns.CO2[12] - (316.38 + 317.72) / 2) < 1e-12);
  assert.ok(Math.abs(filled.columns.temp[14] - (6.2 + 12.9) / 2) < 1e-12);
});

test('non-numeric value in a file', () => {
  assert.throws(
    () => readCsvColumns(file('co2-bad.csv'), { columns: ['CO2'], missing: 'skip' }),
    (e: unknown) =>
      e instanceof FormatError &&
      e.message === 'readCsvColumns: line 7, column "CO2": expected a number, got "abc"',
  );
});

test('semicolons, quotes and CRLF', () => {
  const r = readCsvColumns(file('airline-semicolon.csv'), {
    columns: ['Passengers'],
    dateColumn: 'Month',
    delimiter: ';',
  });
  assert.deepEqual(Array.from(r.columns.Passengers), [112, 118, 132]);
  assert.deepEqual(r.dates, ['1949-01', '1949-02', '1949-03']);
});

test('errors: unknown column, ragged file, missing file', () => {
  assert.throws(
    () => readCsvColumns(file('co2.csv'), { columns: ['co2'] }),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.message ===
        'readCsvColumns: column "co2" not found in the header; available columns: "date", "CO2", "temp"',
  );
  assert.throws(
    () => readCsvColumns(file('ragged.csv'), { columns: ['a'] }),
    (e: unknown) => e instanceof FormatError && /^readCsvColumns: malformed CSV: .*line 3/.test(e.message),
  );
  assert.throws(
    () => readCsvColumns(file('no-such-file.csv'), { columns: ['a'] }),
    (e: unknown) =>
      e instanceof FormatError && /^readCsvColumns: cannot read ".*no-such-file.csv": ENOENT/.test(e.message),
  );
});
