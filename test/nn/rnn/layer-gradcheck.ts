// The float64 gradient check of a whole recurrent layer, shared by the variant tests.
import { gradcheck } from '../../helpers/gradcheck.js';
import { LSTM, type GRU, type RNN, type RNNBase } from '../../../src/nn/rnn/index.js';
import { randn, type Tensor } from '../../../src/tensor/index.js';

/** A float64 leaf of `shape` with N(0, scale^2) entries that requires grad. */
export function leaf(shape: number[], scale = 1): Tensor {
  const t = scale === 1 ? randn(shape, { dtype: 'float64' }) : randn(shape, { dtype: 'float64' }).mul(scale);
  t.requiresGrad = true;
  return t;
}

/**
 * Checks the gradients of every output (output, h_n, and c_n for an LSTM) w.r.t. a
 * random input of `xShape` (entries scaled by `scale`) and every parameter, in float64.
 */
export function checkLayer(m: RNNBase, xShape: number[], scale = 1): void {
  m.double();
  const x = leaf(xShape, scale);
  gradcheck(
    (xx) => {
      if (m instanceof LSTM) {
        const [o, [h, c]] = m.forward(xx);
        return [o, h, c];
      }
      const [o, h] = (m as GRU | RNN).forward(xx);
      return [o, h];
    },
    [x, ...m.parameters()],
  );
}
