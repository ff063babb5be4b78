// The public API report: every name the package entries export (src/index.ts for Node,
// src/browser.ts for browsers), with its kind, and the members of exported namespaces
// (`layers.`, `callbacks.`, `init.`). The report is committed (api/longshort.api.json);
// `npm run api:update` rewrites it, `node scripts/api-report.mjs --check` fails when the
// exports differ from it (run by test/api/api-report.test.ts), so a change to the public
// surface is always a reviewed change to that file. An export tagged `@internal` is an
// error: internals are not exported from the entries.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const reportArg = process.argv.indexOf('--report');
const REPORT =
  reportArg > 0 ? path.resolve(process.argv[reportArg + 1]) : path.join(ROOT, 'api', 'longshort.api.json');
const ENTRIES = { index: 'src/index.ts', browser: 'src/browser.ts' };

/** The kind of a symbol, from its flags (after following aliases). */
function kindOf(sym) {
  const f = sym.flags;
  const S = ts.SymbolFlags;
  if (f & S.Class) return 'class';
  if (f & S.Function) return 'function';
  if (f & S.Enum) return 'enum';
  if (f & S.ValueModule) return 'namespace';
  if (f & S.Variable) return 'const';
  if (f & S.Interface) return 'interface';
  if (f & S.TypeAlias) return 'type';
  return 'other';
}

function isInternal(sym) {
  return (sym.declarations ?? []).some((d) => ts.getJSDocTags(d).some((t) => t.tagName.text === 'internal'));
}

export function buildReport() {
  const config = ts.getParsedCommandLineOfConfigFile(
    path.join(ROOT, 'tsconfig.json'),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
  );
  const program = ts.createProgram(
    Object.values(ENTRIES).map((f) => path.join(ROOT, f)),
    config.options,
  );
  const checker = program.getTypeChecker();
  const report = {};
  const internal = [];
  for (const [entry, file] of Object.entries(ENTRIES)) {
    const source = program.getSourceFile(path.join(ROOT, file));
    const moduleSym = checker.getSymbolAtLocation(source);
    const out = {};
    for (const exp of checker.getExportsOfModule(moduleSym)) {
      const sym = exp.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exp) : exp;
      const kind = kindOf(sym);
      if (isInternal(sym)) internal.push(`${entry}: ${exp.name}`);
      if (kind === 'namespace') {
        const members = {};
        for (const m of checker.getExportsOfModule(sym)) {
          const ms = m.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(m) : m;
          if (isInternal(ms)) internal.push(`${entry}: ${exp.name}.${m.name}`);
          members[m.name] = kindOf(ms);
        }
        out[exp.name] = {
          kind,
          members: Object.fromEntries(Object.entries(members).sort(([a], [b]) => (a < b ? -1 : 1))),
        };
      } else {
        out[exp.name] = kind;
      }
    }
    report[entry] = Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
  }
  return { report, internal };
}

function diff(oldR, newR) {
  const lines = [];
  for (const entry of Object.keys(newR)) {
    const a = oldR[entry] ?? {};
    const b = newR[entry];
    for (const k of Object.keys(b)) if (!(k in a)) lines.push(`+ ${entry}: ${k} (${JSON.stringify(b[k])})`);
    for (const k of Object.keys(a)) if (!(k in b)) lines.push(`- ${entry}: ${k}`);
    for (const k of Object.keys(b))
      if (k in a && JSON.stringify(a[k]) !== JSON.stringify(b[k]))
        lines.push(`~ ${entry}: ${k}: ${JSON.stringify(a[k])} -> ${JSON.stringify(b[k])}`);
  }
  return lines;
}

const isMain =
  process.argv[1] !== undefined &&
  path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname);
if (isMain) {
  const { report, internal } = buildReport();
  if (internal.length > 0) {
    console.error(
      `api-report: exports tagged @internal (do not export internals from the entries):\n  ${internal.join('\n  ')}`,
    );
    process.exit(1);
  }
  const text = JSON.stringify(report, null, 2) + '\n';
  if (process.argv.includes('--check')) {
    let old = {};
    try {
      old = JSON.parse(readFileSync(REPORT, 'utf8'));
    } catch {
      console.error(`api-report: ${path.relative(ROOT, REPORT)} is missing; run npm run api:update`);
      process.exit(1);
    }
    const changes = diff(old, report);
    if (changes.length > 0) {
      console.error(
        `api-report: the public exports differ from ${path.relative(ROOT, REPORT)}:\n  ${changes.join('\n  ')}\n` +
          'If the change is intended, run npm run api:update and commit the report.',
      );
      process.exit(1);
    }
    console.log(
      `api-report: ${Object.keys(report.index).length} exports match ${path.relative(ROOT, REPORT)}`,
    );
  } else {
    mkdirSync(path.dirname(REPORT), { recursive: true });
    writeFileSync(REPORT, text);
    console.log(
      `api-report: wrote ${path.relative(ROOT, REPORT)} (${Object.keys(report.index).length} exports)`,
    );
  }
}
