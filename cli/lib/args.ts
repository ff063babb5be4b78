/*
 * Option-value parsers for commander: each throws InvalidArgumentError with a short
 * reason, which commander turns into a one-line `error: option '--epochs <n>' argument
 * 'two' is invalid. expected an integer >= 1` and exit code 1.
 */
import { InvalidArgumentError } from 'commander';

/** An integer >= `min`. */
export function int(min: number): (value: string) => number {
  return (value: string) => {
    const v = Number(value);
    if (value.trim() === '' || !Number.isInteger(v) || v < min)
      throw new InvalidArgumentError(`expected an integer >= ${min}`);
    return v;
  };
}

/** A finite number >= `min` (and > `min` when `exclusive`). */
export function float(min: number, exclusive = false): (value: string) => number {
  return (value: string) => {
    const v = Number(value);
    if (value.trim() === '' || !Number.isFinite(v) || v < min || (exclusive && v === min)) {
      throw new InvalidArgumentError(`expected a number ${exclusive ? '>' : '>='} ${min}`);
    }
    return v;
  };
}
