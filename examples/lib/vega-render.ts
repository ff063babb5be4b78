/*
 * Renders a Vega-Lite specification to SVG in Node, headless: vega-lite compiles it to
 * Vega, a Vega View with the 'none' renderer draws it to SVG text (no canvas, no
 * browser). `vega` and `vega-lite` are loaded on first use; without them the caller gets
 * an Error with the install line.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomicSync } from '../../src/index.js';

interface VegaModules {
  compile: (spec: unknown) => { spec: unknown };
  parse: (spec: unknown) => unknown;
  View: new (
    runtime: unknown,
    options: { renderer: 'none' },
  ) => { toSVG(): Promise<string>; finalize(): void };
}

/** Thrown when `vega` / `vega-lite` cannot be loaded (they are optional peers of longshort). */
export class PlotLibraryMissingError extends Error {}

let modules: Promise<VegaModules> | null = null;

async function loadVega(): Promise<VegaModules> {
  try {
    const [vl, vega] = await Promise.all([import('vega-lite'), import('vega')]);
    return {
      compile: vl.compile as VegaModules['compile'],
      parse: vega.parse as VegaModules['parse'],
      View: vega.View as unknown as VegaModules['View'],
    };
  } catch (e) {
    modules = null;
    throw new PlotLibraryMissingError(
      `plots need the vega and vega-lite packages (npm install vega vega-lite): ${(e as Error).message}`,
      { cause: e },
    );
  }
}

/** The SVG text of a Vega-Lite specification. */
export async function vegaLiteToSvg(spec: object): Promise<string> {
  modules ??= loadVega();
  const { compile, parse, View } = await modules;
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Renders `spec` and writes it to `file` (folders created, written atomically). */
export async function writeVegaLiteSvg(file: string, spec: object): Promise<void> {
  const svg = await vegaLiteToSvg(spec);
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileAtomicSync(file, svg);
}
