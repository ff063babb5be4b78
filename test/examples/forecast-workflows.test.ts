// The forecasting workflows end to end through the `longshort forecast` command (the
// compiled dist/cli/longshort.js as a child process), on data the project ships
// (test/fixtures/cli/monthly.csv) or generates here: --future and --out, then --model to
// forecast again without training; long-format files with --where; dates that repeat or
// go backwards; --features; a series without a season; --tiny's own plot path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Generator } from '../../src/index.js';

const CLI = fileURLToPath(new URL('../../cli/longshort.js', import.meta.url));
const EXAMPLE = fileURLToPath(new URL('../../examples/forecast.js', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/cli/', import.meta.url));
const MONTHLY = join(FIXTURES, 'monthly.csv');

interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], cwd?: string): Result {
  assert.ok(existsSync(CLI), `${CLI} is missing; run npm run build`);
  const r = spawnSync(process.execPath, [CLI, 'forecast', ...args], {
    encoding: 'utf8',
    timeout: 90_000,
    ...(cwd ? { cwd } : {}),
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function ok(args: string[], cwd?: string): string {
  const r = cli(args, cwd);
  assert.equal(
    r.status,
    0,
    `longshort forecast ${args.join(' ')} exited with ${r.status}:\n${r.stdout}${r.stderr}`,
  );
  return r.stdout;
}

function fails(args: string[], message: RegExp): void {
  const r = cli(args);
  assert.notEqual(r.status, 0, `longshort forecast ${args.join(' ')} should fail:\n${r.stdout}`);
  assert.match(r.stderr, message);
  assert.match(r.stderr, /^longshort forecast: /);
  assert.doesNotMatch(r.stderr, /^longshort forecast: forecast: /); // one prefix
  assert.doesNotMatch(r.stderr, /^\s+at /m);
}

function withTmp(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'longshort-workflow-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Reads a future CSV: header and rows of [label, value, lower, upper]. */
function readFuture(file: string): { header: string; rows: [string, number, number, number][] } {
  const [header, ...lines] = readFileSync(file, 'utf8').trimEnd().split('\n');
  return {
    header,
    rows: lines.map((l) => l.split(',')).map(([d, v, lo, hi]) => [d, Number(v), Number(lo), Number(hi)]),
  };
}

/** A monthly CSV in long format: two series (AAA seasonal, BBB a ramp) and a volume column. */
function longCsv(file: string, months = 96): void {
  const g = new Generator(3);
  const lines = ['date,symbol,close,volume'];
  for (let m = 0; m < months; m++) {
    const date = `${2000 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}-01`;
    const vol = 100 + 10 * Math.sin(m / 5) + g.normal();
    lines.push(
      `${date},AAA,${(50 + 5 * Math.sin((2 * Math.PI * m) / 12) + 0.3 * g.normal()).toFixed(3)},${vol.toFixed(2)}`,
    );
    lines.push(`${date},BBB,${(1000 + 2 * m + 0.5 * g.normal()).toFixed(3)},${(vol * 2).toFixed(2)}`);
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}

const SMALL = [
  '--epochs',
  '2',
  '--hidden',
  '8',
  '--window',
  '12',
  '--horizon',
  '6',
  '--test',
  '12',
  '--validation',
  '18',
];

test('--future writes dated forecasts with interval bounds; --out saves the forecaster; --model forecasts again without training', () => {
  withTmp((dir) => {
    const model = join(dir, 'model');
    const plot = join(dir, 'monthly.svg');
    const future = join(dir, 'future.csv');
    const out = ok([
      '--csv',
      MONTHLY,
      '--column',
      'value',
      ...SMALL,
      '--future',
      '9',
      '--future-csv',
      future,
      '--out',
      model,
      '--plot',
      plot,
    ]);
    assert.match(out, /coverage on the held-out tail \d+\/12 = \d+\.\d% \(nominal 80%\)/);
    assert.match(
      out,
      /future: 9 point\(s\) past the end \(2010-01 \.\. 2010-09\), blocks of 6 after the first/,
    );
    const first = readFuture(future);
    assert.equal(first.header, 'date,value,lower_80,upper_80');
    assert.deepEqual(
      first.rows.map((r) => r[0]),
      ['2010-01', '2010-02', '2010-03', '2010-04', '2010-05', '2010-06', '2010-07', '2010-08', '2010-09'],
    );
    for (const [d, v, lo, hi] of first.rows)
      assert.ok(Number.isFinite(v) && lo <= v && v <= hi, `${d}: ${lo} <= ${v} <= ${hi}`);
    // the band of the second block is wider than that of the first at the same step
    assert.ok(first.rows[6][3] - first.rows[6][2] > first.rows[0][3] - first.rows[0][2]);
    for (const f of ['model.json', 'weights.safetensors', 'forecaster.json'])
      assert.ok(existsSync(join(model, f)), `${f} not saved`);
    const saved = JSON.parse(readFileSync(join(model, 'forecaster.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(saved.column, 'value');
    assert.equal(saved.dateColumn, 'month');
    assert.deepEqual([saved.window, saved.horizon, saved.season, saved.transform], [12, 6, 12, 'diff']);
    const svg = readFileSync(plot, 'utf8');
    for (const label of [/>LSTM future</, />future 80% interval</, />end of data</, />held-out tail</])
      assert.match(svg, label);

    // reload in a new process: no training, the same forecasts from the same history
    const again = join(dir, 'again.csv');
    const out2 = ok([
      '--model',
      model,
      '--csv',
      MONTHLY,
      '--future',
      '9',
      '--future-csv',
      again,
      '--plot',
      join(dir, 'again.svg'),
    ]);
    assert.doesNotMatch(out2, /^epoch|^trained \d+ epochs/m);
    assert.match(out2, /forecaster: .*trained on monthly\.csv, 120 points, 2000-01 \.\. 2009-12/);
    assert.deepEqual(readFuture(again), first);
    // from a shorter history (the first 8 years) the forecasts start after its end
    const short = join(dir, 'short.csv');
    writeFileSync(short, readFileSync(MONTHLY, 'utf8').split('\n').slice(0, 97).join('\n'));
    ok(['--model', model, '--csv', short, '--future-csv', join(dir, 'short-future.csv'), '--plot', '']);
    const s = readFuture(join(dir, 'short-future.csv'));
    assert.equal(s.rows.length, 6); // default: one horizon
    assert.equal(s.rows[0][0], '2008-01');
    fails(
      ['--model', model, '--csv', short, '--column', 'note'],
      /the forecaster in .* forecasts "value"; got --column note/,
    );
    fails(
      ['--model', join(dir, 'nothing'), '--csv', short],
      /loadForecaster: cannot read .*forecaster\.json/,
    );
    // what the saved forecaster fixes is rejected, not ignored
    fails(
      ['--model', model, '--csv', short, '--epochs', '3', '--window', '6'],
      /--window, --epochs cannot change a saved forecaster/,
    );
    fails(
      ['--model', model, '--csv', short, '--interval-folds', '1'],
      /--interval-folds cannot change a saved forecaster/,
    );
    fails(['--model', model], /--model DIR needs --csv FILE/);
    fails(
      ['--csv', MONTHLY, '--column', 'value', '--future-csv', join(dir, 'x.csv')],
      /--future-csv needs --future N/,
    );
  });
});

test('the interval: 2 refit folds by default, --interval-folds 0 takes the validation residuals, more than the series holds is an error', () => {
  const args = ['--csv', MONTHLY, '--column', 'value', ...SMALL, '--plot', ''];
  // each fold: every origin of an 18-point block whose 6 steps end inside it, 13
  const out = ok(args);
  assert.match(
    out,
    /80% prediction interval \(split-conformal per step ahead on 26 residuals of 2 refit fold\(s\)\): coverage on the held-out tail \d+\/12/,
  );
  assert.match(out, /^interval fold 2\/2: refit on the 54 points before it, early stopping on the next 18/m);
  assert.match(
    ok([...args, '--interval-folds', '0']),
    /on 13 residuals of the model's validation slice\): coverage/,
  );
  // 120 points: 12 tail + 18 validation + 3 x 18 leave 36 >= window 12 + 1 + horizon 6; 4 leave 18
  fails(
    [...args, '--interval-folds', '4'],
    /--interval-folds 4 needs .* holds 3 fold\(s\); use --interval-folds 3/,
  );
});

test('long-format CSV: repeated dates are an error naming --where; --where picks one series', () => {
  withTmp((dir) => {
    const file = join(dir, 'long.csv');
    longCsv(file);
    fails(
      ['--csv', file, '--column', 'close', '--epochs', '1'],
      /dates must not repeat; "date" holds "2000-01-01" at rows 1 and 2 of the series; the file may hold several series \(long format\): keep one with --where COLUMN=VALUE/,
    );
    const out = ok(['--csv', file, '--column', 'close', '--where', 'symbol=AAA', ...SMALL, '--plot', '']);
    assert.match(out, /column "close": 96 points \(2000-01 \.\. 2007-12\); rows where symbol = AAA/);
    assert.match(out, /season 12: found/); // AAA is seasonal
    const bbb = ok(['--csv', file, '--column', 'close', '--where', 'symbol=BBB', ...SMALL, '--plot', '']);
    assert.match(bbb, /season none: none found/); // BBB is a ramp
    assert.doesNotMatch(bbb, /seasonal naive \(value/);
    // filters combine; one that keeps nothing lists what the column holds
    fails(
      ['--csv', file, '--column', 'close', '--where', 'symbol=ZZZ'],
      /no row has symbol = "ZZZ"; the column holds "AAA", "BBB"/,
    );
    fails(['--csv', file, '--column', 'close', '--where', 'symbol'], /--where must be COLUMN=VALUE/);
    fails(
      ['--csv', file, '--column', 'close', '--where', 'ticker=AAA'],
      /where column "ticker" not found in the header; available columns: "date", "symbol", "close", "volume"/,
    );
  });
});

test('dates that go backwards are an error that says to sort the file', () => {
  withTmp((dir) => {
    const lines = readFileSync(MONTHLY, 'utf8').trimEnd().split('\n');
    [lines[30], lines[31]] = [lines[31], lines[30]];
    const file = join(dir, 'unsorted.csv');
    writeFileSync(file, `${lines.join('\n')}\n`);
    fails(
      ['--csv', file, '--column', 'value', '--epochs', '1'],
      /dates must increase; "month" goes back from "2002-07" to "2002-06" at row 31 of the series; sort the file by date/,
    );
  });
});

test('--features feeds other columns beside the target, saved and reloaded with the forecaster', () => {
  withTmp((dir) => {
    const file = join(dir, 'long.csv');
    longCsv(file);
    const model = join(dir, 'model');
    const out = ok([
      '--csv',
      file,
      '--column',
      'close',
      '--where',
      'symbol=AAA',
      '--features',
      'volume',
      ...SMALL,
      '--future',
      '6',
      '--out',
      model,
      '--plot',
      '',
    ]);
    assert.match(out, /features: volume beside "close" \(inputs 2 channels\)/);
    const saved = JSON.parse(readFileSync(join(model, 'forecaster.json'), 'utf8')) as {
      features: string[];
      where: object;
      xScaler: { mean: number[] };
    };
    assert.deepEqual(saved.features, ['volume']);
    assert.deepEqual(saved.where, { symbol: 'AAA' });
    assert.equal(saved.xScaler.mean.length, 2);
    const modelJson = JSON.parse(readFileSync(join(model, 'model.json'), 'utf8')) as {
      layers: { config: { inputShape?: number[] } }[];
    };
    assert.deepEqual(modelJson.layers[0].config.inputShape, [12, 2]);
    ok(['--model', model, '--csv', file, '--future', '6', '--future-csv', join(dir, 'f.csv'), '--plot', '']);
    assert.equal(readFuture(join(dir, 'f.csv')).rows.length, 6);
    // the features' future is unknown: one horizon at most
    fails(
      ['--model', model, '--csv', file, '--future', '7', '--plot', ''],
      /with --features the future reaches only one horizon .*expected --future <= 6, got 7/,
    );
    fails(
      ['--csv', file, '--column', 'close', '--where', 'symbol=AAA', '--features', 'close'],
      /--features must not repeat the target column "close"/,
    );
    fails(
      ['--csv', file, '--column', 'close', '--where', 'symbol=AAA', '--features', 'price'],
      /column "price" not found/,
    );
  });
});

test("--tiny writes its own plot (out/forecast-tiny.svg), never the full run's out/forecast.svg", () => {
  withTmp((dir) => {
    assert.ok(existsSync(EXAMPLE));
    const r = spawnSync(
      process.execPath,
      [CLI, 'forecast', '--tiny', '--csv', MONTHLY, '--column', 'value', '--future', '3'],
      { cwd: dir, encoding: 'utf8', timeout: 90_000 },
    );
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.ok(existsSync(join(dir, 'out', 'forecast-tiny.svg')));
    assert.ok(existsSync(join(dir, 'out', 'forecast-tiny-future.csv')));
    assert.ok(!existsSync(join(dir, 'out', 'forecast.svg')));
  });
});
