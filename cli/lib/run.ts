/*
 * Shared pieces of the longshort commands: loading the library after the global
 * options are applied, and live progress lines on a terminal.
 */

/** A live progress line on a terminal (nothing when stdout is piped); '' ends it. */
export function progressLine(line: string): void {
  if (!process.stdout.isTTY) return;
  process.stdout.write(
    line === '' ? '\r\x1b[K' : `\r${line.slice(0, (process.stdout.columns || 100) - 1)}\x1b[K`,
  );
}

/**
 * Applies `--threads N`: through the library's `setNumThreads` when the public API has
 * it, else through the LONGSHORT_NUM_THREADS environment variable, set before the
 * library is first loaded (the commands import it lazily, after this runs).
 */
export async function applyThreads(threads: number | undefined): Promise<void> {
  if (threads === undefined) return;
  process.env.LONGSHORT_NUM_THREADS = String(threads);
  const lib: Record<string, unknown> = await import('../../src/index.js');
  const set = lib.setNumThreads;
  if (typeof set === 'function') (set as (n: number) => void)(threads);
}
