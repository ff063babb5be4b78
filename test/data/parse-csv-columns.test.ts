import { test } from 'node:test';
import assert from 'node:assert/strict';

import { ConfigError, FormatError } from '../../src/core/errors.js';
import { parseCsvColumns } from '../../src/data/parse-csv-columns.js';

const CSV = 'date,CO2,temp\n1958-03,315.7,10.5\n1958-04,317.45,-2e-1\n1958-05,+317.5,.5\n';

function fails(
  fn: () => unknown,
  cls: typeof FormatError | typeof ConfigError,
  message: string | RegExp,
): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${String(e)}`);
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });
}

test('reads the requested columns as Float64Array, and dates as strings', () => {
  const { columns, dates } = parseCsvColumns(CSV, { columns: ['temp', 'CO2'], dateColumn: 'date' });
  assert.deepEqual(Object.keys(columns).sort(), ['CO2', 'temp']);
  assert.ok(columns.CO2 instanceof Float64Array);
  assert.deepEqual(Array.from(columns.CO2), [315.7, 317.45, 317.5]);
  assert.deepEqual(Array.from(columns.temp), [10.5, -0.2, 0.5]);
  assert.deepEqual(dates, ['1958-03', '1958-04', '1958-05']);
  assert.equal('dates' in parseCsvColumns(CSV, { columns: ['CO2'] }), false);
});

test('delimiter, quotes, CRLF, BOM, blank lines and surrounding spaces', () => {
  const text = '\uFEFFMonth;"Passengers"\r\n"1949-01"; 112 \r\n\r\n"1949-02";"118"\r\n';
  const r = parseCsvColumns(text, { columns: ['Passengers'], dateColumn: 'Month', delimiter: ';' });
  assert.deepEqual(Array.from(r.columns.Passengers), [112, 118]);
  assert.deepEqual(r.dates, ['1949-01', '1949-02']);
});

test('header only gives empty columns', () => {
  const r = parseCsvColumns('a,b\n', { columns: ['b'], dateColumn: 'a' });
  assert.equal(r.columns.b.length, 0);
  assert.deepEqual(r.dates, []);
});

test('non-numeric values: FormatError with line and column, in every missing mode', () => {
  const text = 'date,CO2\n1,2\n2,3\n3,abc\n';
  for (const missing of ['error', 'skip', 'interpolate'] as const) {
    fails(
      () => parseCsvColumns(text, { columns: ['CO2'], missing }),
      FormatError,
      'parseCsvColumns: line 4, column "CO2": expected a number, got "abc"',
    );
  }
  fails(
    () => parseCsvColumns('x\n0x10\n', { columns: ['x'] }),
    FormatError,
    /line 2, column "x": expected a number, got "0x10"/,
  );
  fails(
    () => parseCsvColumns('x\n1,5\n', { columns: ['x'] }),
    FormatError,
    /^parseCsvColumns: malformed CSV: /,
  );
  fails(
    () => parseCsvColumns('x\n"1\n', { columns: ['x'] }),
    FormatError,
    /^parseCsvColumns: malformed CSV: /,
  );
  fails(() => parseCsvColumns('', { columns: ['x'] }), FormatError, /expected a header line/);
  fails(
    () => parseCsvColumns('x,x\n1,2\n', { columns: ['x'] }),
    FormatError,
    /line 1: the header has column "x" more than once/,
  );
});

test('line numbers count the header and blank lines', () => {
  fails(
    () => parseCsvColumns('a,b\n\n1,2\n\n\n3,\n', { columns: ['a', 'b'] }),
    FormatError,
    /^parseCsvColumns: line 6, column "b": expected a number, got ""/,
  );
});

test("missing: 'error' (default) names the line and column and hints at the options", () => {
  fails(
    () => parseCsvColumns('t,v\n1,2\n2,NA\n', { columns: ['v'] }),
    FormatError,
    `parseCsvColumns: line 3, column "v": expected a number, got "NA" (a missing value; pass { missing: 'skip' } or { missing: 'interpolate' } to allow gaps)`,
  );
});

test("missing: 'skip' drops the whole row, dates included", () => {
  const text = 'd,a,b\nd1,1,10\nd2,,20\nd3,3,NaN\nd4,4,40\n';
  const r = parseCsvColumns(text, { columns: ['a', 'b'], dateColumn: 'd', missing: 'skip' });
  assert.deepEqual(Array.from(r.columns.a), [1, 4]);
  assert.deepEqual(Array.from(r.columns.b), [10, 40]);
  assert.deepEqual(r.dates, ['d1', 'd4']);
  // a gap in a column that was not requested does not drop the row
  assert.deepEqual(
    Array.from(parseCsvColumns(text, { columns: ['a'], missing: 'skip' }).columns.a),
    [1, 3, 4],
  );
});

test("missing: 'interpolate' fills linearly inside, nearest value at the ends", () => {
  const text = 'd,a,b\nd1,,1\nd2,2,\nd3,,\nd4,,4\nd5,8,5\nd6,,\n';
  const r = parseCsvColumns(text, { columns: ['a', 'b'], dateColumn: 'd', missing: 'interpolate' });
  assert.deepEqual(Array.from(r.columns.a), [2, 2, 4, 6, 8, 8]);
  assert.deepEqual(Array.from(r.columns.b), [1, 2, 3, 4, 5, 5]);
  assert.equal(r.dates?.length, 6);
  fails(
    () => parseCsvColumns('a,b\n,1\nNA,2\n', { columns: ['a'], missing: 'interpolate' }),
    FormatError,
    /column "a" has no values/,
  );
});

test('custom naValues', () => {
  const r = parseCsvColumns('a\n1\n-999\n3\n', {
    columns: ['a'],
    missing: 'interpolate',
    naValues: ['-999'],
  });
  assert.deepEqual(Array.from(r.columns.a), [1, 2, 3]);
  fails(
    () => parseCsvColumns('a\n1\n\n3\nNA\n', { columns: ['a'], naValues: ['-999'] }),
    FormatError,
    /line 5, column "a": expected a number, got "NA"$/,
  );
});

test('unknown columns: ConfigError listing the available ones', () => {
  fails(
    () => parseCsvColumns(CSV, { columns: ['CO2', 'co2'] }),
    ConfigError,
    'parseCsvColumns: column "co2" not found in the header; available columns: "date", "CO2", "temp"',
  );
  fails(
    () => parseCsvColumns(CSV, { columns: ['CO2'], dateColumn: 'Date' }),
    ConfigError,
    /dateColumn "Date" not found in the header; available columns: "date", "CO2", "temp"/,
  );
});

test('bad options', () => {
  fails(() => parseCsvColumns(CSV, { columns: [] }), ConfigError, /columns must be a non-empty array/);
  fails(() => parseCsvColumns(CSV, { columns: ['CO2', 'CO2'] }), ConfigError, /distinct/);
  fails(() => parseCsvColumns(CSV, { columns: ['CO2'], delimiter: '' }), ConfigError, /delimiter/);
  fails(
    () => parseCsvColumns(CSV, { columns: ['CO2'], missing: 'drop' as 'skip' }),
    ConfigError,
    /missing must be 'error', 'skip' or 'interpolate'; got "drop"/,
  );
});

test('where: keeps the rows of one series of a long-format file; the other rows are not read', () => {
  const text =
    'date,symbol,close\n2020-01,AAA,1\n2020-01,BBB,n/a\n2020-02,AAA,2\n2020-02,BBB,x\n2020-03,AAA,3\n';
  const { columns, dates } = parseCsvColumns(text, {
    columns: ['close'],
    dateColumn: 'date',
    where: { symbol: 'AAA' },
  });
  assert.deepEqual(Array.from(columns.close), [1, 2, 3]);
  assert.deepEqual(dates, ['2020-01', '2020-02', '2020-03']);
  // several filters all hold; fields are compared after trimming
  const two = parseCsvColumns('a,b,v\nx, y,1\nx,z,2\nw,y,3\n', {
    columns: ['v'],
    where: { a: 'x', b: ' y ' },
  });
  assert.deepEqual(Array.from(two.columns.v), [1]);
});

test('where: a filter that keeps nothing lists the values; an unknown column lists the header; bad maps', () => {
  const text = 'symbol,close\nAAA,1\nBBB,2\n';
  assert.throws(
    () => parseCsvColumns(text, { columns: ['close'], where: { symbol: 'ZZZ' } }),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, /^parseCsvColumns: no row has symbol = "ZZZ"; the column holds "AAA", "BBB"$/);
      return true;
    },
  );
  assert.throws(
    () => parseCsvColumns(text, { columns: ['close'], where: { ticker: 'AAA' } }),
    /where column "ticker" not found in the header; available columns: "symbol", "close"/,
  );
  assert.throws(
    () =>
      parseCsvColumns(text, {
        columns: ['close'],
        where: { symbol: 1 } as unknown as Record<string, string>,
      }),
    ConfigError,
  );
  assert.throws(
    () => parseCsvColumns(text, { columns: ['close'], where: [] as unknown as Record<string, string> }),
    ConfigError,
  );
});
