// Reading the parameter block of the fused recurrent layer (see ../rnn-params.ts): field
// `i` of the block at byte P, as a size or as a byte offset into the memory.

/** Field `i` as an i32 (a size, a flag). */
// @ts-ignore: decorator
@inline export function fld(P: usize, i: i32): i32 {
  return load<i32>(P + (<usize>i << 2));
}

/** Field `i` as a pointer (a byte offset into the memory). */
// @ts-ignore: decorator
@inline export function ptr(P: usize, i: i32): usize {
  return <usize>load<u32>(P + (<usize>i << 2));
}

/** Field `i` as an f32 (stored as its bits). */
// @ts-ignore: decorator
@inline export function fldf(P: usize, i: i32): f32 {
  return load<f32>(P + (<usize>i << 2));
}
