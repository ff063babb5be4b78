/**
 * The safetensors byte format (Hugging Face), parsed (safetensors-read.ts) and written
 * (safetensors-write.ts) in memory: the public names of it, which both entries export
 * (browser.ts, and index.ts through `safetensors.ts`). Pure: no Node APIs, so it runs in
 * the browser; file I/O lives in `safetensors.ts`.
 *
 * Layout: an 8-byte little-endian unsigned header length `N`; `N` bytes of UTF-8 JSON
 * (`{"name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ...,
 * "__metadata__": {"k": "v"}}`, optionally padded with trailing spaces); then the
 * little-endian, row-major data buffer. Offsets are relative to the start of that buffer.
 * The validation rules are those of the reference (Rust) implementation: header at most
 * 100 000 000 bytes and inside the file, starting with `{`; the byte ranges, sorted by
 * offset, are contiguous from 0, do not overlap and end exactly at the end of the file;
 * each range holds exactly `numel(shape) * itemsize` bytes.
 */
export {
  MAX_HEADER_BYTES,
  type SafetensorsContents,
  type SafetensorsDType,
  type SafetensorsWriteDType,
  type SerializeSafetensorsOptions,
  type TensorDict,
} from './safetensors-common.js';
export { parseSafetensors } from './safetensors-read.js';
export { serializeSafetensors } from './safetensors-write.js';
