import { test } from 'node:test';
import assert from 'node:assert/strict';

import { ConfigError, ShapeError } from '../../src/core/errors.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { timeseriesWindows } from '../../src/data/timeseries-windows.js';

test('univariate: x (N, window, 1) and y (N, horizon), element by element', () => {
  const series = Array.from({ length: 20 }, (_, i) => i * 10 + 1);
  for (const [window, horizon, stride] of [
    [3, 1, 1],
    [4, 2, 1],
    [5, 3, 2],
    [2, 1, 7],
    [19, 1, 1],
  ]) {
    const { x, y } = timeseriesWindows(series, { window, horizon, stride });
    const N = Math.floor((20 - window - horizon) / stride) + 1;
    assert.deepEqual(x.shape, [N, window, 1]);
    assert.deepEqual(y.shape, [N, horizon]);
    for (let i = 0; i < N; i++) {
      for (let t = 0; t < window; t++)
        assert.equal(x.data[i * window + t], series[i * stride + t], `x[${i},${t}]`);
      for (let h = 0; h < horizon; h++)
        assert.equal(y.data[i * horizon + h], series[i * stride + window + h], `y[${i},${h}]`);
    }
  }
});

test('the documented example', () => {
  const { x, y } = timeseriesWindows([1, 2, 3, 4, 5, 6], { window: 3 });
  assert.deepEqual(x.toNested(), [
    [[1], [2], [3]],
    [[2], [3], [4]],
    [[3], [4], [5]],
  ]);
  assert.deepEqual(y.toNested(), [[4], [5], [6]]);
});

test('exactly window + horizon steps give one sample', () => {
  const { x, y } = timeseriesWindows(new Float64Array([1, 2, 3, 4]), { window: 3 });
  assert.deepEqual(x.shape, [1, 3, 1]);
  assert.deepEqual(y.toNested(), [[4]]);
});

test('multivariate (T, F): all columns by default, y (N, horizon, F)', () => {
  const T = 9;
  const F = 3;
  const rows = Array.from({ length: T }, (_, t) => Array.from({ length: F }, (_, f) => 100 * t + f));
  const window = 3;
  const horizon = 2;
  const stride = 2;
  for (const series of [rows, new Tensor(Float64Array.from(rows.flat()), [T, F])]) {
    const { x, y } = timeseriesWindows(series, { window, horizon, stride });
    const N = Math.floor((T - window - horizon) / stride) + 1;
    assert.equal(N, 3);
    assert.deepEqual(x.shape, [N, window, F]);
    assert.deepEqual(y.shape, [N, horizon, F]);
    for (let i = 0; i < N; i++) {
      for (let t = 0; t < window; t++) {
        for (let f = 0; f < F; f++) assert.equal(x.data[(i * window + t) * F + f], rows[i * stride + t][f]);
      }
      for (let h = 0; h < horizon; h++) {
        for (let f = 0; f < F; f++)
          assert.equal(y.data[(i * horizon + h) * F + f], rows[i * stride + window + h][f]);
      }
    }
  }
});

test('targetColumns: a single index gives (N, horizon), an array (N, horizon, Ft) in the given order', () => {
  const rows = [
    [1, 10, 100],
    [2, 20, 200],
    [3, 30, 300],
    [4, 40, 400],
    [5, 50, 500],
  ];
  const single = timeseriesWindows(rows, { window: 2, horizon: 2, targetColumns: 1 });
  assert.deepEqual(single.y.shape, [2, 2]);
  assert.deepEqual(single.y.toNested(), [
    [30, 40],
    [40, 50],
  ]);
  const multi = timeseriesWindows(rows, { window: 2, targetColumns: [2, 0] });
  assert.deepEqual(multi.y.shape, [3, 1, 2]);
  assert.deepEqual(multi.y.toNested(), [[[300, 3]], [[400, 4]], [[500, 5]]]);
  assert.deepEqual(multi.x.shape, [3, 2, 3]);
  // a univariate series with targetColumns: [0] keeps the feature dimension
  assert.deepEqual(timeseriesWindows([1, 2, 3], { window: 1, targetColumns: [0] }).y.shape, [2, 1, 1]);
});

test('dtype follows the input, plain arrays use the default, option overrides', () => {
  assert.equal(timeseriesWindows(new Float64Array(5), { window: 2 }).x.dtype, 'float64');
  assert.equal(timeseriesWindows(new Float32Array(5), { window: 2 }).y.dtype, 'float32');
  assert.equal(timeseriesWindows([1, 2, 3], { window: 2 }).x.dtype, 'float32');
  assert.equal(timeseriesWindows(new Tensor(new Float64Array(6), [3, 2]), { window: 2 }).x.dtype, 'float64');
  assert.equal(
    timeseriesWindows(new Tensor(new Int32Array([1, 2, 3]), [3]), { window: 2 }).x.dtype,
    'float32',
  );
  const w = timeseriesWindows([1, 2, 3], { window: 2, dtype: 'float64' });
  assert.equal(w.x.dtype, 'float64');
  assert.equal(w.y.dtype, 'float64');
});

test('outputs do not share memory with the input', () => {
  const src = new Float32Array([1, 2, 3, 4]);
  const { x } = timeseriesWindows(src, { window: 2 });
  src[0] = 99;
  assert.equal(x.data[0], 1);
});

test('errors: sizes, short series, bad targets, bad rank', () => {
  assert.throws(
    () => timeseriesWindows([1, 2, 3], { window: 3 }),
    (e: unknown) => {
      assert.ok(e instanceof ShapeError);
      assert.match(e.message, /^timeseriesWindows: .*window \+ horizon.*expected >= 4, got 3/);
      return true;
    },
  );
  assert.throws(() => timeseriesWindows([1, 2, 3, 4, 5], { window: 2, horizon: 4 }), ShapeError);
  assert.throws(
    () => timeseriesWindows([1, 2, 3], { window: 0 }),
    /timeseriesWindows: window must be a positive integer; expected >= 1, got 0/,
  );
  assert.throws(() => timeseriesWindows([1, 2, 3], { window: 1.5 }), ConfigError);
  assert.throws(
    () => timeseriesWindows([1, 2, 3], { window: 1, horizon: -1 }),
    /horizon must be a positive integer/,
  );
  assert.throws(
    () => timeseriesWindows([1, 2, 3], { window: 1, stride: 0 }),
    /stride must be a positive integer/,
  );
  assert.throws(
    () =>
      timeseriesWindows(
        [
          [1, 2],
          [3, 4],
          [5, 6],
        ],
        { window: 1, targetColumns: 2 },
      ),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, /expected integers in \[0, 1\], got 2/);
      return true;
    },
  );
  assert.throws(
    () =>
      timeseriesWindows(
        [
          [1, 2],
          [3, 4],
        ],
        { window: 1, targetColumns: [] },
      ),
    ConfigError,
  );
  assert.throws(
    () =>
      timeseriesWindows(
        [
          [1, 2],
          [3, 4],
        ],
        { window: 1, targetColumns: [1, 1] },
      ),
    /distinct/,
  );
  assert.throws(() => timeseriesWindows([[1, 2], [3]], { window: 1 }), ShapeError);
  assert.throws(
    () => timeseriesWindows(new Tensor(new Float32Array(8), [2, 2, 2]), { window: 1 }),
    ShapeError,
  );
  assert.throws(() => timeseriesWindows([1, 2, 3], undefined as unknown as { window: number }), ConfigError);
});
