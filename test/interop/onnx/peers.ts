// The real libraries the ONNX export tests cross-check with, when installed: the .venv
// onnx checker (scripts/setup-python.sh) and onnxruntime-node (test/peers).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../helpers/fixtures.js';

export const VENV_PYTHON = join(repoRoot, '.venv', 'bin', 'python');

let checkerReason: string | null | undefined;
/** Why the onnx checker cannot run (null when it can). */
export function checkerSkipReason(): string | null {
  if (checkerReason !== undefined) return checkerReason;
  if (!existsSync(VENV_PYTHON)) checkerReason = `${VENV_PYTHON} not found (run scripts/setup-python.sh)`;
  else {
    const r = spawnSync(VENV_PYTHON, ['-c', 'import onnx'], { encoding: 'utf8', timeout: 120_000 });
    checkerReason = r.status === 0 ? null : `${VENV_PYTHON} cannot import onnx`;
  }
  return checkerReason;
}

/** Runs onnx.checker.check_model(full_check=True) on the bytes; returns its stderr on failure, '' when it passes. */
export function onnxCheck(bytes: Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), 'longshort-onnx-'));
  try {
    const file = join(dir, 'model.onnx');
    writeFileSync(file, bytes);
    const code =
      'import onnx, sys\nm = onnx.load(sys.argv[1])\nonnx.checker.check_model(m, full_check=True)\nonnx.shape_inference.infer_shapes(m, strict_mode=True)';
    const r = spawnSync(VENV_PYTHON, ['-c', code, file], { encoding: 'utf8', timeout: 120_000 });
    return r.status === 0 ? '' : r.stderr || `exit ${r.status}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface OrtTensor {
  readonly data: Float32Array | BigInt64Array;
  readonly dims: readonly number[];
}
export interface OrtModule {
  Tensor: new (type: string, data: Float32Array | BigInt64Array, dims: readonly number[]) => OrtTensor;
  InferenceSession: {
    create(
      bytes: Uint8Array,
    ): Promise<{ run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>> }>;
  };
}

let ort: OrtModule | null | undefined;
/** onnxruntime-node from test/peers, or null when it is not installed. */
export function loadOrt(): OrtModule | null {
  if (ort !== undefined) return ort;
  try {
    ort = createRequire(join(repoRoot, 'test', 'peers', 'package.json'))('onnxruntime-node') as OrtModule;
  } catch {
    ort = null;
  }
  return ort;
}
