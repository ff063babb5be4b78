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

/** A tensor has the wrong rank or size for an operation. */
export class ShapeError extends LongshortError {}

/** A constructor argument or option is out of range or contradicts another one. */
export class ConfigError extends LongshortError {}

/** An object is used in a state that does not allow the call (e.g. a second backward). */
export class StateError extends LongshortError {}

/** A file or serialized dictionary is malformed (safetensors, state dicts, fixtures). */
export class FormatError extends LongshortError {}

/** A dtype does not fit the operation (e.g. float32 mixed with float64, float index). */
export class DTypeError extends LongshortError {}

/** A request that is valid in general but not supported here. */
export class UnsupportedError extends LongshortError {}
