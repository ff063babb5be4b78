// f32x4 math shared by the recurrent kernels (the fused layer in f32-rnn.ts and the
// one-step kernels in f32-rnn-step.ts): one exp, sigmoid and tanh, so both compute the
// same activations. NaN in gives NaN out; +-Inf saturate like the reference.

/**
 * exp(x) lanewise: x = n ln2 + r, |r| <= ln2/2, exp(r) by the Cephes expf polynomial
 * (relative error ~1e-7), times 2^n built in the exponent bits. x is clamped to
 * [-87, 88] so 2^n stays a normal float (no denormal); above ln(FLT_MAX) the result is
 * +Inf, as the exact exp overflows (so sigmoid(-Inf) = 1 / (1 + Inf) is exactly 0, like
 * the reference's, and 0 * Inf gives NaN where the reference's does); NaN stays NaN.
 */
// @ts-ignore: decorator
@inline export function vexp(x0: v128): v128 {
  const x = f32x4.min(f32x4.max(x0, f32x4.splat(-87.0)), f32x4.splat(88.0));
  const fx = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.44269504088896341)));
  let r = f32x4.sub(x, f32x4.mul(fx, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(fx, f32x4.splat(-2.12194440e-4)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  const y = f32x4.add(f32x4.add(f32x4.mul(p, f32x4.mul(r, r)), r), f32x4.splat(1.0));
  const e = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(fx), i32x4.splat(127)), 23);
  return v128.bitselect(f32x4.splat(Infinity), f32x4.mul(y, e), f32x4.gt(x0, f32x4.splat(88.72283935546875)));
}

/** 1 / (1 + exp(-x)) lanewise: relative error ~2e-7; 0 < result <= 1, no NaN for finite x. */
// @ts-ignore: decorator
@inline export function vsigmoid(x: v128): v128 {
  const one = f32x4.splat(1.0);
  return f32x4.div(one, f32x4.add(one, vexp(f32x4.neg(x))));
}

/**
 * The gate activation of the fused layer: sigmoid, or (`hard`) the hard sigmoid
 * clip(alpha x + beta, 0, 1) with `ha` = alpha and `hb` = beta in every lane (Keras 2,
 * TF.js and ONNX: 0.2, 0.5; Keras 3: 1/6, 0.5). NaN stays NaN (min/max propagate it).
 */
// @ts-ignore: decorator
@inline export function vgate(x: v128, hard: bool, ha: v128, hb: v128): v128 {
  if (!hard) return vsigmoid(x);
  return f32x4.min(f32x4.max(f32x4.add(f32x4.mul(ha, x), hb), f32x4.splat(0.0)), f32x4.splat(1.0));
}

/** The hard sigmoid's derivative from its output y: alpha where 0 < y < 1, else 0 (NaN: 0). */
// @ts-ignore: decorator
@inline export function vhardGrad(y: v128, ha: v128): v128 {
  return v128.and(ha, v128.and(f32x4.gt(y, f32x4.splat(0.0)), f32x4.lt(y, f32x4.splat(1.0))));
}

/**
 * tanh(x) lanewise with a small relative error everywhere: for |x| < 0.625 the Cephes
 * tanhf odd polynomial x + x^3 P(x^2) (no cancellation near 0), else
 * sign(x) (1 - 2 / (exp(2|x|) + 1)), which saturates to exactly +-1.
 */
// @ts-ignore: decorator
@inline export function vtanh(x: v128): v128 {
  const one = f32x4.splat(1.0);
  const ax = f32x4.abs(x);
  const big = f32x4.sub(one, f32x4.div(f32x4.splat(2.0), f32x4.add(vexp(f32x4.add(ax, ax)), one)));
  const bigS = v128.or(big, v128.and(x, i32x4.splat(0x80000000)));
  const z = f32x4.mul(x, x);
  let p = f32x4.splat(-5.70498872745e-3);
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(2.06390887954e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-5.37397155531e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.33314422036e-1));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-3.33332819422e-1));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, z), x), x);
  return v128.bitselect(small, bigS, f32x4.lt(ax, f32x4.splat(0.625)));
}

/** Loads 4 floats at p, or (full = false) one float into every lane. */
// @ts-ignore: decorator
@inline export function ld(p: usize, full: bool): v128 {
  return full ? v128.load(p) : v128.load32_splat(p);
}
/** Stores 4 floats at p, or (full = false) lane 0 only. */
// @ts-ignore: decorator
@inline export function st(p: usize, v: v128, full: bool): void {
  if (full) v128.store(p, v);
  else store<f32>(p, f32x4.extract_lane(v, 0));
}

