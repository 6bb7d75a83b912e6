import { REPRODUCE_USAGE, ReproduceUsageError, runReproduce } from '@bcnmf/reproduce';
import { BACKENDS_USAGE, runBackends } from './commands/backends.js';
import { COMPARE_USAGE, runCompare } from './commands/compare.js';
import { CONSENSUS_USAGE, runConsensus } from './commands/consensus.js';
import { DATASETS_USAGE, runDatasets } from './commands/datasets.js';
import { DEMO_USAGE, runDemo } from './commands/demo.js';
import { FIT_USAGE, runFit } from './commands/fit.js';
import { runSelect, SELECT_USAGE } from './commands/select.js';
import { runTopics, TOPICS_USAGE } from './commands/topics.js';
import { runTransform, TRANSFORM_USAGE } from './commands/transform.js';
import type { CommandContext } from './context.js';
import { exitCodeOf, isAbort, UsageError } from './errors.js';

export const USAGE = `bcnmf: background-contrastive non-negative matrix factorization

Usage: bcnmf <command> [options]

Commands:
  fit        fit bcNMF to a target and a background (CSV/TSV, .h5ad or 10x) and write the results
  consensus  consensus bcNMF over restarts (as cNMF): stable programs, their stability and reproducibility
  select     choose k and alpha: consensus over a grid, stability and error against k, a recommendation
  compare    bcNMF, NMF, PCA and cPCA on the same inputs, scored by ARI against labels
  transform  coefficients of new samples through a saved model
  topics     top features of each topic of a saved model, and its enrichment in the target
  demo       fit bcNMF and plain NMF to simulated data and compare what they find
  datasets   the paper's data sets: list, download NAME (checksummed), verify NAME
  reproduce  regenerate a table of the paper (@bcnmf/reproduce): bcnmf reproduce NAME
  backends   where bcnmf can run here (cpu, wasm, webgpu, cuda), why not, and the default
  help       show this help, or a command's: bcnmf help fit

Options for every command: --debug (print stack traces)
Exit codes: 0 success, 2 bad usage or input, 1 other failures, 130 interrupted (Ctrl-C)`;

/** `bcnmf reproduce`: @bcnmf/reproduce's command line; its usage errors exit 2 like ours. */
async function reproduce(argv: string[], ctx: CommandContext): Promise<unknown> {
  try {
    return await runReproduce(argv, ctx.print, { signal: ctx.signal });
  } catch (error) {
    if (error instanceof ReproduceUsageError) throw new UsageError(error.message);
    throw error;
  }
}

interface Command {
  usage: string;
  run: (argv: string[], ctx: CommandContext) => Promise<unknown>;
}

const COMMANDS: Record<string, Command> = {
  fit: { usage: FIT_USAGE, run: runFit },
  consensus: { usage: CONSENSUS_USAGE, run: runConsensus },
  select: { usage: SELECT_USAGE, run: runSelect },
  compare: { usage: COMPARE_USAGE, run: runCompare },
  transform: { usage: TRANSFORM_USAGE, run: runTransform },
  topics: { usage: TOPICS_USAGE, run: runTopics },
  demo: { usage: DEMO_USAGE, run: (argv, ctx) => runDemo(argv, ctx.print, { signal: ctx.signal }) },
  backends: { usage: BACKENDS_USAGE, run: runBackends },
  datasets: { usage: DATASETS_USAGE, run: runDatasets },
  reproduce: { usage: REPRODUCE_USAGE, run: reproduce },
};

/** Where the command line writes, and what its stderr is. */
export interface CliIO {
  /** One line on stdout. */
  out: (line: string) => void;
  /** One line on stderr. */
  err: (line: string) => void;
  /** Whether stderr is a terminal (a progress bar) or not (plain progress lines). Default false. */
  isTTY?: boolean;
  /** The stream a progress bar draws on, when isTTY. */
  errStream?: NodeJS.WritableStream;
  /** Aborts a running fit; the command fails with exit code 1 and leaves no output. */
  signal?: AbortSignal;
}

/**
 * Runs the command line and returns the exit code: 0 on success, 2 for bad usage or
 * input, 1 for other failures. Errors are one line on stderr, with a stack trace only
 * under --debug.
 */
export async function main(
  argv: string[],
  io: CliIO = {
    out: (line) => process.stdout.write(line + '\n'),
    err: (line) => process.stderr.write(line + '\n'),
    isTTY: process.stderr.isTTY === true,
    errStream: process.stderr,
  },
): Promise<number> {
  const debug = argv.includes('--debug');
  const args = argv.filter((a) => a !== '--debug');
  const [command, ...rest] = args;
  try {
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      const topic = rest[0];
      if (topic !== undefined && !COMMANDS[topic]) throw new UsageError(`unknown command '${topic}'; the commands are ${Object.keys(COMMANDS).join(', ')}`);
      io.out(topic ? COMMANDS[topic].usage : USAGE);
      return command === undefined ? 2 : 0;
    }
    const entry = COMMANDS[command];
    if (!entry) throw new UsageError(`unknown command '${command}'; the commands are ${Object.keys(COMMANDS).join(', ')} (bcnmf help)`);
    if (rest.includes('--help') || rest.includes('-h')) {
      io.out(entry.usage);
      return 0;
    }
    await entry.run(rest, { print: io.out, err: io.err, isTTY: io.isTTY ?? false, errStream: io.errStream, signal: io.signal });
    return 0;
  } catch (caught) {
    // after Ctrl-C, what fails next (a file a source's clean-up removed, a read cut short)
    // is the interruption's doing: report the interruption
    const error = io.signal?.aborted && !isAbort(caught) && io.signal.reason instanceof Error ? io.signal.reason : caught;
    // the readers' advice names their own option; the CLI reads the delimiter from the name
    const message = (error instanceof Error ? error.message : String(error)).replace(/; pass (?:the delimiter option|options\.delimiter)$/m, '; name the file .csv (commas) or .tsv (tabs)');
    io.err(`bcnmf: ${message.split('\n')[0]}`);
    if (debug && error instanceof Error) {
      if (error.stack) io.err(error.stack);
      // the raw failure behind a translated one (e.g. HDF5's own diagnostics)
      if (error.cause !== undefined) io.err(`caused by: ${error.cause instanceof Error ? (error.cause.stack ?? error.cause.message) : String(error.cause)}`);
    }
    return exitCodeOf(error);
  }
}
