/**
 * The smallest module that uses a 128-bit SIMD instruction: one function
 * `() -> v128` whose body is `i32.const 0; i32x4.splat; end`.
 */
const SIMD_PROBE = new Uint8Array([
  0x00,
  0x61,
  0x73,
  0x6d,
  0x01,
  0x00,
  0x00,
  0x00, // magic, version 1
  0x01,
  0x05,
  0x01,
  0x60,
  0x00,
  0x01,
  0x7b, // type section: () -> v128
  0x03,
  0x02,
  0x01,
  0x00, // function section: one function of type 0
  0x0a,
  0x08,
  0x01,
  0x06,
  0x00,
  0x41,
  0x00,
  0xfd,
  0x11,
  0x0b, // code: i32.const 0; i32x4.splat; end
]);

let supported: boolean | undefined;

/**
 * Whether this engine runs WebAssembly with 128-bit SIMD (validates a tiny SIMD module;
 * cached). False where WebAssembly itself is missing.
 */
export function wasmSimdSupported(): boolean {
  if (supported === undefined) {
    try {
      supported = typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
    } catch (_e) {
      supported = false;
    }
  }
  return supported;
}
