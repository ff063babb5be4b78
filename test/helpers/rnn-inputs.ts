// The float32 copy of a recurrent kernel call's float64 inputs: the fast sets take float32,
// the reference runs in float64, and the parity tests compare the two.
import type { FloatArray } from '../../src/core/dtype.js';
import type { RnnSequenceInputs } from '../../src/kernels/ref/rnn-sequence-ref.js';

const f32 = (a: FloatArray | null): Float32Array | null => (a === null ? null : Float32Array.from(a));

/** `p64` with every array as a Float32Array (the sizes and options unchanged). */
export function float32Inputs(p64: RnnSequenceInputs): RnnSequenceInputs {
  return {
    ...p64,
    x: Float32Array.from(p64.x),
    h0: Float32Array.from(p64.h0),
    c0: f32(p64.c0),
    wIh: Float32Array.from(p64.wIh),
    wHh: Float32Array.from(p64.wHh),
    bIh: f32(p64.bIh),
    bHh: f32(p64.bHh),
    wHr: f32(p64.wHr),
  };
}
