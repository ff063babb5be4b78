/*
 * Packed variable-length batches, after torch.nn.utils.rnn: the PackedSequence type
 * (packed-sequence-class.ts) and the functions between padded and packed batches
 * (pack-pad.ts).
 */
export { type Lengths, invertPermutation, PackedSequence } from './packed-sequence-class.js';
export {
  type PackPaddedOptions,
  packPaddedSequence,
  type PadPackedOptions,
  padPackedSequence,
  type PadSequenceOptions,
  padSequence,
  type PackSequenceOptions,
  packSequence,
} from './pack-pad.js';
