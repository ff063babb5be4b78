// The interop loaders scripts/fuzz.mjs fuzzes (ONNX, Keras .keras, .h5 and .weights.h5, TF.js), seeded
// from the committed fixtures under test/fixtures.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = (p) => import(join(root, 'dist', p));
const fixtures = join(root, 'test', 'fixtures');

/** Every file under `dir` (recursively, sorted) whose name passes `keep`. */
function filesUnder(dir, keep) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p, keep));
    else if (keep(e.name)) out.push(p);
  }
  return out;
}

const read = (p) => new Uint8Array(readFileSync(p));
/** The SequentialModels of the .weights.h5 fixtures' architectures, built on first use. */
let architectures = null;

/**
 * Loaders over interop files, in the shape of fuzz-lib's LOADERS. `encode`/`decode` are
 * fuzz-lib's bundle functions (several files in one input).
 */
export function interopLoaders({ encodeBundle, decodeBundle }) {
  return {
    onnx: {
      async seeds() {
        return filesUnder(join(fixtures, 'onnx'), (n) => n.endsWith('.onnx')).map(read);
      },
      async run(input) {
        const { importOnnx } = await dist('src/interop/onnx/index.js');
        await importOnnx(input, { file: 'fuzz.onnx' });
      },
    },
    keras: {
      async seeds() {
        return filesUnder(join(fixtures, 'keras'), (n) => n.endsWith('.keras')).map(read);
      },
      async run(input) {
        const { readKerasArchive } = await dist('src/interop/keras/keras-read.js');
        await readKerasArchive(input, 'fuzz.keras');
      },
    },
    h5: {
      async seeds() {
        return filesUnder(join(fixtures, 'keras'), (n) => n.endsWith('.h5')).map(read);
      },
      async run(input) {
        const { readKerasH5 } = await dist('src/interop/keras/keras-read.js');
        await readKerasH5(input, 'fuzz.h5');
      },
    },
    weights: {
      // Keras 3 .weights.h5 files, each loaded into the models of every fixture's
      // architecture (a mutated file may match any of them)
      async seeds() {
        return filesUnder(join(fixtures, 'keras', 'weights'), (n) => n.endsWith('.weights.h5')).map(read);
      },
      async run(input) {
        const { readKerasArchive } = await dist('src/interop/keras/keras-read.js');
        const { readKerasWeights } = await dist('src/interop/keras/keras-weights.js');
        architectures ??= await Promise.all(
          filesUnder(join(fixtures, 'keras', 'weights'), (n) => n.endsWith('.keras')).map((p) =>
            readKerasArchive(read(p), p),
          ),
        );
        let failure = null;
        for (const model of architectures) {
          try {
            await readKerasWeights(model, input, 'fuzz.weights.h5');
            return;
          } catch (e) {
            failure = e;
          }
        }
        throw failure;
      },
    },
    tfjs: {
      // model.json and its weights shard in one input: mutations hit either
      async seeds() {
        const dir = join(fixtures, 'tfjs');
        if (!existsSync(dir)) return [];
        return readdirSync(dir)
          .sort()
          .filter((d) => existsSync(join(dir, d, 'model.json')))
          .map((d) =>
            encodeBundle(read(join(dir, d, 'model.json')), [
              ['weights.bin', read(join(dir, d, 'weights.bin'))],
            ]),
          );
      },
      async run(input) {
        const { readTfjsModel } = await dist('src/interop/tfjs/tfjs-read.js');
        const { FormatError } = await dist('src/core/errors.js');
        const [json, files] = decodeBundle(input);
        let modelJson;
        try {
          modelJson = JSON.parse(new TextDecoder().decode(json));
        } catch (e) {
          // what importModel does with a model.json that is not JSON
          throw new FormatError(`fuzz: model.json must be JSON; got ${e.message}`);
        }
        readTfjsModel(modelJson, files[0]?.[1] ?? new Uint8Array(0), 'model.json');
      },
    },
  };
}
