// brain.js's run(text) for its character nets, from a longshort import's next-token logits:
// shared by the brain.js import and export tests.
import type { SequentialModel } from '../../src/models/index.js';
import { Tensor } from '../../src/tensor/index.js';

/** brain.js's run() for its character nets: greedy decoding from the imported logits. */
export function runChars(
  model: SequentialModel,
  table: Record<string, number>,
  chars: string[],
  text: string,
): string {
  const input = Array.from(text, (c) => table[c]);
  const max = 100 + input.length;
  const fed: number[] = [];
  const output: number[] = [];
  for (let i = 0; ;) {
    fed.push(i === 0 ? 0 : i < input.length ? input[i - 1] + 1 : output[i - 1]);
    const logits = model.predict(new Tensor(Float32Array.from(fed), [1, fed.length]));
    const v = logits.shape[2];
    const row = logits.data.subarray((fed.length - 1) * v, fed.length * v);
    let next = 0;
    for (let k = 1; k < v; k++) if (row[k] > row[next]) next = k;
    i++;
    if (next === 0 || i >= max) break;
    output.push(next);
  }
  return output
    .slice(input.length)
    .map((k) => chars[k - 1])
    .join('');
}
