/* What this browser's WebAssembly accepts, probed with two tiny modules of our own. */

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
// type section: one type () -> v128; function section: one function of that type
const SIGNATURE = [0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, 0x03, 0x02, 0x01, 0x00];
const V128_ZERO = [0xfd, 0x0c, ...new Array<number>(16).fill(0)];

function moduleWith(body: number[]): Uint8Array<ArrayBuffer> {
  const fn = [0x00, ...body, 0x0b]; // no locals, the body, end
  const code = [0x01, fn.length, ...fn];
  return new Uint8Array([...HEADER, ...SIGNATURE, 0x0a, code.length, ...code]);
}

/** 128-bit SIMD: a function returning `v128.const 0`. */
export function hasSimd(): boolean {
  return WebAssembly.validate(moduleWith(V128_ZERO));
}

/** Relaxed SIMD: `f32x4.relaxed_madd` (opcode 0xfd 0x105) of three zero vectors. */
export function hasRelaxedSimd(): boolean {
  return WebAssembly.validate(moduleWith([...V128_ZERO, ...V128_ZERO, ...V128_ZERO, 0xfd, 0x85, 0x02]));
}
