/**
 * Non-fatal warnings (PyTorch's `warnings.warn`), safe in Node.js and the browser.
 *
 * By default a warning goes to `process.emitWarning` where a Node-like `process`
 * exists, and to `console.warn` elsewhere. `setWarningHandler` swaps the sink (to
 * silence warnings, collect them in a test, or route them to a logger).
 */

/** Receives each warning message. */
export type WarningHandler = (message: string) => void;

interface ProcessLike {
  emitWarning?: (warning: string, type?: string) => void;
}

function defaultHandler(message: string): void {
  const proc = (globalThis as { process?: ProcessLike }).process;
  if (proc !== undefined && typeof proc.emitWarning === 'function')
    proc.emitWarning(message, 'LongshortWarning');
  else console.warn(`LongshortWarning: ${message}`);
}

let handler: WarningHandler = defaultHandler;

/**
 * Emits a warning through the current handler.
 *
 * @param message the full text, naming the op (`LSTM: dropout option adds dropout ...`)
 * @example warn('LSTM: dropout > 0 has no effect with numLayers 1')
 */
export function warn(message: string): void {
  handler(message);
}

/**
 * Replaces the warning handler; `null` restores the default. Returns the previous one.
 *
 * @example
 * const seen: string[] = [];
 * const prev = setWarningHandler((m) => seen.push(m));
 * try { new LSTM(3, 4, { dropout: 0.5 }); } finally { setWarningHandler(prev); }
 */
export function setWarningHandler(next: WarningHandler | null): WarningHandler {
  const prev = handler;
  handler = next ?? defaultHandler;
  return prev;
}
