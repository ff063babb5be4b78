/**
 * Typed errors. Every check at a public boundary throws one of these, with a message
 * of the form `LSTM: input.size(-1) must equal inputSize; expected 28, got 27`.
 *
 * @example
 * try { lstm.forward(x) } catch (e) { if (e instanceof ShapeError) console.log(e.message) }
 */
export class LongshortError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * A tensor has the wrong rank or size for an operation.
 *
 * @example
 * const lstm = new LSTM(28, 128);
 * try { lstm.forward(randn([5, 3, 27])); } catch (e) {
 *   console.log(e instanceof ShapeError); // input.size(-1) must be equal to input_size; expected 28, got 27
 * }
 */
export class ShapeError extends LongshortError {}

/**
 * A constructor argument or option is out of range or contradicts another one.
 *
 * @example
 * try {
 *   new LSTM(10, 20, { numLayers: 0 });
 * } catch (e) {
 *   if (e instanceof ConfigError) console.log(e.message); // LSTM: numLayers must be ...
 * }
 */
export class ConfigError extends LongshortError {}

/**
 * An object is used in a state that does not allow the call (e.g. a second backward).
 *
 * @example
 * const loss = randn([3], { requiresGrad: true }).mul(2).sum();
 * loss.backward();
 * try { loss.backward(); } catch (e) { console.log(e instanceof StateError); } // the graph was freed
 */
export class StateError extends LongshortError {}

/**
 * A file or serialized dictionary is malformed (safetensors, state dicts, fixtures).
 *
 * @example
 * try {
 *   parseSafetensors(new Uint8Array([1, 2, 3]));
 * } catch (e) {
 *   console.log(e instanceof FormatError); // true: the header is malformed
 * }
 */
export class FormatError extends LongshortError {}

/**
 * A dtype does not fit the operation (e.g. float32 mixed with float64, float index).
 *
 * @example
 * const embed = new Embedding(10, 4);
 * try { embed.forward(tensor([1, 2])); } catch (e) {
 *   console.log(e instanceof DTypeError); // ids must be an int32 tensor
 * }
 */
export class DTypeError extends LongshortError {}

/**
 * A request that is valid in general but not supported here.
 *
 * @example
 * // in a browser bundle there is no file system:
 * try { await model.save('out/model'); } catch (e) { console.log(e instanceof UnsupportedError); }
 */
export class UnsupportedError extends LongshortError {}
