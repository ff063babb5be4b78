// Shared by scripts/eval-*.mjs: runs a compiled example (dist/examples/<name>.js) as a
// child process, streams its output through with a prefix, and returns the output.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Runs `node dist/examples/<name>.js ...args`; resolves to its stdout (rejects on a non-zero exit). */
export function runExample(name, args, label = name) {
  const file = path.join(root, 'dist', 'examples', `${name}.js`);
  if (!existsSync(file)) throw new Error(`${file} is missing; run \`npm run build\` first`);
  console.log(`\n$ node dist/examples/${name}.js ${args.join(' ')}`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file, ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    let partial = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const lines = (partial + chunk).split('\n');
      partial = lines.pop();
      for (const line of lines) console.log(`[${label}] ${line}`);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (partial) console.log(`[${label}] ${partial}`);
      if (code === 0) resolve(out);
      else reject(new Error(`${name} ${args.join(' ')} exited with code ${code}`));
    });
  });
}

/** Every number that follows `label` (a RegExp source) in `text`. */
export function numbersAfter(text, label) {
  return [...text.matchAll(new RegExp(`${label}\\s*(-?[0-9.]+(?:e[-+]?[0-9]+)?)`, 'g'))].map((m) =>
    Number(m[1]),
  );
}

/** Parses `--name value` / `--flag` arguments of an eval script. */
export function evalArgs(spec) {
  const out = { ...spec };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, '');
    if (!(key in spec)) {
      console.error(
        `unknown option ${argv[i]}; expected ${Object.keys(spec)
          .map((k) => `--${k}`)
          .join(', ')}`,
      );
      process.exit(2);
    }
    if (typeof spec[key] === 'boolean') out[key] = true;
    else out[key] = argv[++i];
  }
  return out;
}

/** A verdict line; sets a failing exit code when `ok` is false. */
export function verdict(ok, text) {
  console.log(`${ok ? 'PASS' : 'MISS'}: ${text}`);
  if (!ok) process.exitCode = 1;
}
