// Smoke tests of the forecasting examples (trend, sine, forecast): each one's --tiny mode
// runs as a child process on the compiled dist/examples/<name>.js, must exit 0, print
// sane numbers and write an SVG plot. Their real results are measured by running the
// examples (README), never here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** dist/test/examples/ -> dist/examples/<name>.js */
function script(name: string): string {
  return fileURLToPath(new URL(`../../examples/${name}.js`, import.meta.url));
}

function spawn(name: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const file = script(name);
  assert.ok(existsSync(file), `${file} is missing; run npm run build`);
  const r = spawnSync(process.execPath, [file, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs an example; fails with its output when it does not exit 0. */
function run(name: string, args: string[]): string {
  const r = spawn(name, args);
  assert.equal(r.status, 0, `${name} ${args.join(' ')} exited with ${r.status}:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** The RMSE and MAE of the table row starting with `label`. */
function row(out: string, label: RegExp): { rmse: number; mae: number } {
  const m = new RegExp(`^${label.source}[^\\n]*?\\s+(-?[0-9.]+)\\s+(-?[0-9.]+)$`, 'm').exec(out);
  assert.ok(m, `no table row ${label} in:\n${out}`);
  return { rmse: Number(m[1]), mae: Number(m[2]) };
}

/** Checks a table row: finite, non-negative, MAE <= RMSE. */
function saneRow(out: string, label: RegExp): void {
  const { rmse, mae } = row(out, label);
  assert.ok(
    Number.isFinite(rmse) && Number.isFinite(mae) && rmse >= 0 && mae >= 0 && mae <= rmse + 1e-9,
    `${label}: RMSE ${rmse} MAE ${mae}`,
  );
}

/** Checks a Vega-Lite SVG: a document with the lines, the band, the legend and the held-out marker. */
function saneSvg(file: string, extra: RegExp[] = []): void {
  assert.ok(existsSync(file), `${file} was not written`);
  const svg = readFileSync(file, 'utf8');
  assert.ok(svg.startsWith('<svg'), `not an SVG: ${svg.slice(0, 80)}`);
  assert.ok(svg.trimEnd().endsWith('</svg>'));
  // Vega draws each line and area as one path with many segments
  const longPaths = (svg.match(/<path [^>]*d="M(?:[^"]*L){5}[^"]*"/g) ?? []).length;
  assert.ok(
    longPaths >= 4,
    `expected the actual, forecast, baseline and band paths; got ${longPaths} paths of 5+ segments`,
  );
  for (const label of [
    />actual</,
    />LSTM forecast</,
    />80% interval</,
    />naive \(last known value\)</,
    />held-out tail</,
    ...extra,
  ])
    assert.match(svg, label);
  assert.doesNotMatch(svg, /NaN/);
}

function withTmp(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'longshort-forecast-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("trend --tiny runs seed 003's program: summary, 5 predictions with one decimal", () => {
  const out = run('trend', ['--tiny']);
  assert.match(out, /^X \[0\.\s+0\.2 0\.4 0\.6 0\.8\]/m);
  assert.match(out, /settings: Adam lr 0\.01, 50 epochs, batch 5/);
  assert.match(out, /lstm_1 \(LSTM\)\s+\(None, 5\)\s+160/);
  assert.match(out, /Total params: 166/);
  assert.match(out, /Epoch 50\/50 - .* - loss: [0-9.e+-]+/);
  const preds = /predict-1\n((?:-?\d+\.\d\n){5})/.exec(out);
  assert.ok(preds, `no 5 one-decimal predictions after predict-1:\n${out}`);
  assert.match(out, /prediction after 1\.0: -?\d+\.\d{4}/);
});

test('trend rejects a bad option value with exit code 2', () => {
  const r = spawn('trend', ['--epochs', 'many']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--epochs must be an integer/);
});

test('sine --tiny forecasts the tail, prints RMSE/MAE for model and baseline, writes the SVG', () => {
  withTmp((dir) => {
    const plot = join(dir, 'sine.svg');
    const out = run('sine', ['--tiny', '--plot', plot]);
    assert.match(
      out,
      /split \(chronological\): train 100 \| validation 100 \(early stopping\) \| test 100 held out/,
    );
    assert.match(out, /forecaster\s+RMSE\s+MAE/);
    saneRow(out, /LSTM \(direct, 10 steps ahead\)/);
    saneRow(out, /seasonal naive \(value 50 steps earlier\)/);
    saneRow(out, /naive \(last known value\)/);
    assert.match(
      out,
      /80% prediction interval .*: coverage on the held-out tail \d+\/100 = \d+\.\d% \(nominal 80%\)/,
    );
    assert.match(out, /noiseless wave itself scores RMSE 0\.\d+/);
    saneSvg(plot);
  });
});

test('forecast --tiny on the CO2 data: monthly calendar, seasonal-naive baseline, RMSE table, SVG', () => {
  withTmp((dir) => {
    const plot = join(dir, 'nested', 'co2.svg'); // folders are created
    const out = run('forecast', ['--tiny', '--plot', plot]);
    assert.match(out, /co2-concentration\.csv, column "CO2"/);
    assert.match(out, /filled 5 missing month\(s\) by linear interpolation/);
    assert.match(out, /held out \(2018-05 \.\. 2020-04\)/);
    saneRow(out, /LSTM \(direct, 12 steps ahead\)/);
    saneRow(out, /seasonal naive \(value 12 steps earlier\)/);
    saneRow(out, /naive \(last known value\)/);
    assert.match(out, /season 12: found in the training part/);
    assert.match(out, /model RMSE \/ baseline RMSE = \d+\.\d+/);
    assert.match(out, /coverage on the held-out tail \d+\/24 = \d+\.\d% \(nominal 80%\)/);
    saneSvg(plot);
    assert.match(readFileSync(plot, 'utf8'), />2019</); // year ticks from the dates
  });
});

test('forecast --tiny --dataset sp500: no season in the prices, so only the naive baseline', () => {
  withTmp((dir) => {
    const plot = join(dir, 'sp500.svg');
    const out = run('forecast', ['--tiny', '--dataset', 'sp500', '--plot', plot]);
    assert.match(out, /sp500\.csv, column "price"/);
    assert.match(
      out,
      /baselines: naive \(the last known value\); season none: none found in the training part/,
    );
    saneRow(out, /naive \(last known value\)/);
    assert.doesNotMatch(out, /seasonal naive \(value/);
    saneSvg(plot);
  });
});

test('forecast reports a missing CSV and an unknown column in one line, exit 1', () => {
  const missing = spawn('forecast', ['--csv', '/nonexistent/x.csv', '--column', 'v', '--plot', '']);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /^forecast: readCsvColumns: cannot read "\/nonexistent\/x\.csv"/);
  const column = spawn('forecast', ['--column', 'co2', '--plot', '']);
  assert.equal(column.status, 1);
  assert.match(column.stderr, /column "co2" not found .*available columns: "Date", "CO2", "adjusted CO2"/);
  assert.doesNotMatch(column.stderr, /\n\s+at /);
});
