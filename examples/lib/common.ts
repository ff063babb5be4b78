/*
 * Small helpers shared by the examples: argument parsing (node:util parseArgs plus
 * number checks), the repository root (for data/), timing and formatting.
 * Examples import the library only through its public entry, src/index.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Option specs of node:util parseArgs, plus a description for `--help`. */
export type OptionSpec = {
  type: 'string' | 'boolean';
  short?: string;
  default?: string | boolean;
  /** A string option given several times collects a list. */
  multiple?: boolean;
  help: string;
};

/**
 * Parses `process.argv` with node:util parseArgs (strict: unknown options are errors),
 * prints usage and exits on `--help`, and exits with code 2 and a message on bad input.
 */
export function parseCli(
  name: string,
  summary: string,
  options: Record<string, OptionSpec>,
): Record<string, string | boolean | string[] | undefined> {
  const all: Record<string, OptionSpec> = {
    ...options,
    help: { type: 'boolean', short: 'h', help: 'show this help' },
  };
  const config: ParseArgsConfig = {
    args: process.argv.slice(2),
    strict: true,
    allowPositionals: false,
    options: Object.fromEntries(
      Object.entries(all).map(([k, o]) => [
        k,
        {
          type: o.type,
          ...(o.short ? { short: o.short } : {}),
          ...(o.multiple ? { multiple: true } : {}),
          ...(o.default !== undefined ? { default: o.default } : {}),
        },
      ]),
    ),
  };
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    values = parseArgs(config).values as Record<string, string | boolean | string[] | undefined>;
  } catch (e) {
    console.error(`${name}: ${(e as Error).message}\nRun with --help for the options.`);
    process.exit(2);
  }
  if (values.help) {
    const lines = Object.entries(all).map(([k, o]) => {
      const flag = `--${k}${o.type === 'string' ? ' <value>' : ''}`;
      const def = o.default !== undefined && o.type === 'string' ? ` (default ${String(o.default)})` : '';
      return `  ${flag.padEnd(26)} ${o.help}${def}`;
    });
    console.log(`${name}: ${summary}\n\nOptions:\n${lines.join('\n')}`);
    process.exit(0);
  }
  return values;
}

/** A CLI value as a number (integer if `integer`), or exit 2 with a clear message. */
export function num(
  values: Record<string, string | boolean | string[] | undefined>,
  key: string,
  opts: { integer?: boolean; min?: number } = {},
): number {
  const raw = values[key];
  const v = typeof raw === 'string' ? Number(raw) : NaN;
  const bad =
    !Number.isFinite(v) || (opts.integer && !Number.isInteger(v)) || (opts.min !== undefined && v < opts.min);
  if (bad) {
    const what = `${opts.integer ? 'an integer' : 'a number'}${opts.min !== undefined ? ` >= ${opts.min}` : ''}`;
    console.error(`--${key} must be ${what}; got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return v;
}

/** A CLI value that must be one of `choices`, or exit 2 with a clear message. */
export function choice<T extends string>(
  values: Record<string, string | boolean | string[] | undefined>,
  key: string,
  choices: readonly T[],
): T {
  const raw = values[key];
  if (typeof raw !== 'string' || !(choices as readonly string[]).includes(raw)) {
    console.error(`--${key} must be one of ${choices.join(', ')}; got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return raw as T;
}

/** Like `num`, but `undefined` when the option was not given. */
export function optNum(
  values: Record<string, string | boolean | string[] | undefined>,
  key: string,
  opts: { integer?: boolean; min?: number } = {},
): number | undefined {
  return values[key] === undefined ? undefined : num(values, key, opts);
}

/** The repository root: the nearest ancestor of this file with longshort's package.json. */
export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'longshort') return dir;
      } catch {
        // not ours; keep walking
      }
    }
    const up = path.dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

/** Milliseconds since `t0` (a `performance.now()` value) as seconds text, e.g. `12.3 s`. */
export function since(t0: number): string {
  return seconds((performance.now() - t0) / 1000);
}

/** Seconds as short text: `850 ms`, `12.3 s`, `4 min 05 s`. */
export function seconds(s: number): string {
  if (s < 1) return `${(s * 1000).toFixed(0)} ms`;
  if (s < 120) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${String(Math.round(s - 60 * m)).padStart(2, '0')} s`;
}

/** Rewrites one progress line in place on a terminal; prints nothing when output is piped. */
export function progress(text: string): void {
  if (process.stdout.isTTY) process.stdout.write(`\r${text}\x1b[K`);
}

/** Ends a progress line (terminal only). */
export function endProgress(): void {
  if (process.stdout.isTTY) process.stdout.write('\r\x1b[K');
}
