let enabled = true;

/**
 * Whether new ops record a graph for backward.
 *
 * @example
 * isGradEnabled();                 // true
 * noGrad(() => isGradEnabled());   // false
 */
export function isGradEnabled(): boolean {
  return enabled;
}

/**
 * Runs `fn` without recording the graph, like `with torch.no_grad():`.
 * @example const y = noGrad(() => model.forward(x));
 */
export function noGrad<T>(fn: () => T): T {
  return withGrad(false, fn);
}

/**
 * Runs `fn` with graph recording switched on (inside a `noGrad` block, say).
 *
 * @example
 * noGrad(() => {
 *   const y = enableGrad(() => x.mul(2)); // recorded despite noGrad
 * });
 */
export function enableGrad<T>(fn: () => T): T {
  return withGrad(true, fn);
}

function withGrad<T>(on: boolean, fn: () => T): T {
  const prev = enabled;
  enabled = on;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}
