// Runs dependency-cruiser (.dependency-cruiser.cjs) over src/ and, once they
// exist, cli/ and examples/ (depcruise refuses paths that do not exist).
// Exits non-zero on any violation.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const roots = ['src', 'cli', 'examples'].filter((p) => existsSync(p));
const result = spawnSync('depcruise', ['--config', '.dependency-cruiser.cjs', ...roots], {
  stdio: 'inherit',
  shell: process.platform === 'win32',
});
if (result.error) {
  console.error(result.error.message);
  process.exit(1);
}
process.exit(result.status ?? 1);
