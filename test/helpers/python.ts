// Debian's /usr/bin/python3 with torch, for tests that cross-check files with PyTorch;
// `torchSkipReason` says why such a test is skipped (null when it can run).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const PYTHON = '/usr/bin/python3';

let reason: string | null | undefined;

/** Why PyTorch is unavailable (no python3, no torch), or null. Probed once. */
export function torchSkipReason(): string | null {
  if (reason !== undefined) return reason;
  if (!existsSync(PYTHON)) reason = `${PYTHON} not found`;
  else {
    const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8', timeout: 120_000 });
    reason = probe.status === 0 ? null : `${PYTHON} cannot import torch`;
  }
  return reason;
}

/** Runs `python3 -c code args...` and returns its stdout; a failure fails the test with stderr. */
export function runPython(code: string, ...args: string[]): string {
  const r = spawnSync(PYTHON, ['-c', code, ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) throw new Error(`python failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}
