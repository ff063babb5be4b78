/*
 * The file side of a saved model (Node): `writeModelFiles` writes a checkpoint into a
 * fresh directory beside the target and swaps it in; `nodeModelFs` reads one back for
 * `loadModel`. `sequential-model.ts` imports this module only when `save` runs, and
 * package.json's "browser" field swaps it for `model-files-browser.ts`, so a bundle for
 * the browser reaches no `node:` module.
 *
 * The swap: files go into `<dir>.tmp-<id>/` (each synced); the complete directory is
 * renamed to `<dir>.new-<id>`; then `dir` (if any) is renamed to `<dir>.old-<id>`, the
 * new one to `dir`, and the old one removed. A crash at any point leaves either `dir`
 * complete, or no `dir` and a complete `.new-` / `.old-` sibling, which `recoverModelDir`
 * (run by every save and load) moves back to `dir` before removing the leftovers.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ConfigError, FormatError } from '../core/errors.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import type { JsonValue } from './layer.js';
import { loadSafetensors, saveSafetensors, type SafetensorsContents } from '../io/safetensors.js';
import type { Tensor } from '../tensor/index.js';

/** One file of a saved model: safetensors (with metadata) or text. */
export type ModelFile =
  | { name: string; tensors: Record<string, Tensor>; metadata: Record<string, string> }
  | { name: string; text: string };

/** How `loadModel` reaches the files (Node's file system). */
export interface ModelFileSystem {
  join(dir: string, name: string): string;
  /** Restores a directory left without its checkpoint by a crash during a save; removes leftovers. */
  recover(dir: string): Promise<void>;
  readJson(path: string): Promise<{ [k: string]: JsonValue }>;
  readSafetensors(path: string): Promise<SafetensorsContents>;
}

async function exists(path: string): Promise<'dir' | 'file' | null> {
  try {
    return (await stat(path)).isDirectory() ? 'dir' : 'file';
  } catch {
    return null;
  }
}

async function syncDir(path: string): Promise<void> {
  try {
    const fd = await open(path, 'r');
    try {
      await fd.sync();
    } finally {
      await fd.close();
    }
  } catch {
    // not every platform can sync a directory; the renames are still atomic
  }
}

/** The siblings of `dir` a save leaves behind while it runs: `[kind, path]`. */
async function siblings(dir: string): Promise<Array<['tmp' | 'new' | 'old', string]>> {
  const parent = dirname(dir);
  const base = basename(dir);
  let names: string[];
  try {
    names = await readdir(parent);
  } catch {
    return [];
  }
  const out: Array<['tmp' | 'new' | 'old', string]> = [];
  for (const n of names) {
    const m = /^\.(tmp|new|old)-[0-9a-f]+$/.exec(n.slice(base.length));
    if (n.startsWith(base) && m !== null) out.push([m[1] as 'tmp' | 'new' | 'old', join(parent, n)]);
  }
  return out;
}

/**
 * Brings `dir` back to a complete checkpoint after a crash during a save (a complete
 * `.new-` directory is preferred over the `.old-` one), then removes the leftovers.
 */
export async function recoverModelDir(dir: string): Promise<void> {
  const left = await siblings(dir);
  if (left.length === 0) return;
  if ((await exists(dir)) === null) {
    const pick = left.find(([k]) => k === 'new') ?? left.find(([k]) => k === 'old');
    if (pick !== undefined) {
      await rename(pick[1], dir);
      pick[0] = 'tmp';
      pick[1] = '';
    }
  }
  for (const [, p] of left) if (p !== '') await rm(p, { recursive: true, force: true });
  await syncDir(dirname(dir));
}

/** Writes `files` (in order) as a complete new checkpoint and swaps it in as `dir`. */
export async function writeModelFiles(dir: string, files: readonly ModelFile[]): Promise<void> {
  const kind = await exists(dir);
  if (kind === 'file') throw new ConfigError(`save: dir must be a directory; "${dir}" is a file`);
  await mkdir(dirname(dir), { recursive: true });
  await recoverModelDir(dir);
  const id = `${process.pid.toString(16)}${randomBytes(6).toString('hex')}`;
  const tmp = `${dir}.tmp-${id}`;
  await mkdir(tmp);
  try {
    for (const f of files) {
      const path = join(tmp, f.name);
      if ('text' in f) await writeFileAtomic(path, f.text);
      else await saveSafetensors(path, f.tensors, { metadata: f.metadata });
    }
    await syncDir(tmp);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
  const fresh = `${dir}.new-${id}`;
  await rename(tmp, fresh);
  if ((await exists(dir)) !== null) {
    const old = `${dir}.old-${id}`;
    await rename(dir, old);
    await rename(fresh, dir);
    await syncDir(dirname(dir));
    await rm(old, { recursive: true, force: true });
  } else {
    await rename(fresh, dir);
    await syncDir(dirname(dir));
  }
}

function readError(path: string, e: unknown): FormatError {
  const err = new FormatError(
    `loadModel: ${path}: cannot read the file (${e instanceof Error ? e.message : String(e)})`,
  );
  (err as { cause?: unknown }).cause = e;
  return err;
}

/** Node's file system for `readModelDir`. */
export const nodeModelFs: ModelFileSystem = {
  join,
  recover: recoverModelDir,
  async readJson(path) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      throw readError(path, e);
    }
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (e) {
      throw new FormatError(`loadModel: ${path}: invalid JSON (${(e as Error).message})`);
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      throw new FormatError(`loadModel: ${path}: expected a JSON object at the top level`);
    return v as { [k: string]: JsonValue };
  },
  async readSafetensors(path) {
    try {
      return await loadSafetensors(path);
    } catch (e) {
      if (e instanceof FormatError) throw new FormatError(`loadModel: ${e.message}`);
      throw readError(path, e);
    }
  },
};
