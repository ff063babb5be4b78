import { getDefaultDtype } from '../core/dtype.js';
import type { Tensor } from '../tensor/index.js';
import { castTo } from '../tensor/ops/util.js';

/**
 * Float data in the model's float dtype: a float64 tensor given to a float32 model (or
 * the other way round) is cast, so `fit`, `evaluate` and `predict` take `Float64Array`-backed
 * data (scalers and CSV readers produce float64). Integer tensors (class labels) are kept.
 *
 * @param t Inputs or targets, any shape.
 * @param params The model's parameters; their dtype wins (the default dtype before build).
 */
export function matchFloatDtype(t: Tensor, params: readonly Tensor[]): Tensor {
  if (t.dtype === 'int32') return t;
  const want = params.length > 0 ? params[0].dtype : getDefaultDtype();
  return t.dtype === want ? t : castTo(t, want);
}
