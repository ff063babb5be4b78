// Runs dependency-cruiser (.dependency-cruiser.cjs) over src/ and, once they
// exist, cli/ and examples/ (depcruise refuses paths that do not exist).
// Exits non-zero on any violation.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const roots = ['src', 'cli', 'examples'].filter((p) => existsSync(p));
// Resolve the local binary so the script also works outside `npm run`.
const bin = path.join('node_modules', '.bin', process.platform === 'win32' ? 'depcruise.cmd' : 'depcruise');
const result = spawnSync(
  existsSync(bin) ? bin : 'depcruise',
  ['--config', '.dependency-cruiser.cjs', ...roots],
  {
    stdio: 'inherit',
    shell: process.platform === 'win32',
  },
);
if (result.error) {
  console.error(result.error.message);
  process.exit(1);
}
process.exit(result.status ?? 1);
