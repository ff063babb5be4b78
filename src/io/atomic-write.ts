import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { pid } from 'node:process';

/** A fresh temporary name beside `path` (same directory, so the rename is atomic). */
function tempPathFor(path: string): string {
  return `${path}.tmp-${pid}-${randomBytes(6).toString('hex')}`;
}

/**
 * Writes `data` to `path` through a temporary file in the same directory, synced and
 * then renamed into place, so `path` is replaced whole or not at all; the temporary
 * file is removed on failure. Node only.
 *
 * @example await writeFileAtomic('out/model.json', JSON.stringify(config));
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = tempPathFor(path);
  try {
    const file = await open(tmp, 'wx');
    try {
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
}

/** Synchronous `writeFileAtomic` (same guarantee). @example writeFileAtomicSync('plot.svg', svg) */
export function writeFileAtomicSync(path: string, data: string | Uint8Array): void {
  const tmp = tempPathFor(path);
  try {
    const fd = openSync(tmp, 'wx');
    try {
      writeFileSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // keep the original error
    }
    throw err;
  }
}
