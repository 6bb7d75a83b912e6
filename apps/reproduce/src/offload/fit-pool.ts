import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DenseMatrix } from '@bcnmf/core';
import type { FittedMethod } from '@bcnmf/baselines';
import type { FitJob, FitJobResult, PlainMatrix } from './fit-job.js';

/** Most worker processes a pool starts, whatever the core count. */
const MAX_WORKERS = 4;

/** The worker count a run uses: env BCNMF_REPRODUCE_WORKERS when set (0: none), else the cores, at most 4; none on one core. */
export function defaultWorkerCount(): number {
  const env = process.env.BCNMF_REPRODUCE_WORKERS;
  if (env !== undefined && env.trim() !== '') {
    const n = Number(env);
    if (!Number.isInteger(n) || n < 0) throw new Error(`BCNMF_REPRODUCE_WORKERS must be a whole number >= 0, got '${env}'`);
    return Math.min(n, MAX_WORKERS);
  }
  const cores = availableParallelism();
  return cores < 2 ? 0 : Math.min(cores, MAX_WORKERS);
}

/** The flags a worker needs from ours: the loader and resolution conditions (a TypeScript run), not --test and the like. */
function loaderFlags(): string[] {
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (/^--(conditions|import|loader|experimental-loader|require)=/.test(a) || /^-C./.test(a)) out.push(a);
    else if (/^(--conditions|--import|--loader|--experimental-loader|--require|-C|-r)$/.test(a) && i + 1 < argv.length) out.push(a, argv[++i]);
  }
  return out;
}

interface Pending {
  resolve: (r: FitJobResult) => void;
  reject: (e: Error) => void;
}

function matrix(m: PlainMatrix): DenseMatrix {
  return new DenseMatrix({ data: m.data, shape: m.shape });
}

/**
 * A fitted PCA or cPCA received from a worker: the embedding, and cPCA's alphas with the
 * embedding at each (what the runner scores); it does not transform or serialize.
 */
export function offloadedFit(r: FitJobResult): FittedMethod & { alpha?: number; alphas?: number[]; result?: (a: number) => { embedding: DenseMatrix } } {
  const results = (r.results ?? []).map((x) => ({ alpha: x.alpha, embedding: matrix(x.embedding) }));
  return {
    name: r.name,
    embedding: matrix(r.embedding),
    ...(r.alpha !== undefined ? { alpha: r.alpha } : {}),
    ...(r.alphas !== undefined ? { alphas: r.alphas } : {}),
    ...(r.results !== undefined
      ? {
          result: (a: number) => {
            const found = results.find((x) => x.alpha === a);
            if (!found) throw new Error(`the worker's cPCA fit has no result at alpha ${a}`);
            return found;
          },
        }
      : {}),
    transform: () => Promise.reject(new Error('a fit made in a worker process does not transform')),
    toJSON: () => {
      throw new Error('a fit made in a worker process is not serialized');
    },
  };
}

/**
 * Worker processes that run PCA and cPCA fits (single-threaded LAPACK, most of the
 * full-size simulation's time) while this process runs NMF and bcNMF: on 2 cores the
 * simulation takes about half the wall time. Jobs run in submission order, one per
 * worker at a time. A worker that fails rejects its job with the reason; `close()` ends
 * them all (also on this process's exit). Workers run in their own process group, so
 * Ctrl-C reaches this process only, and they stop when it is gone; with a `signal`
 * (Ctrl-C's), its abort closes the pool at once, rejecting the jobs not finished with the
 * signal's reason.
 */
export class FitPool {
  private readonly children: ChildProcess[] = [];
  private readonly idle: ChildProcess[] = [];
  private readonly queue: { id: number; job: FitJob }[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly running = new Map<ChildProcess, number>();
  private nextId = 0;
  private closed = false;
  private readonly onExit = () => this.close();
  private readonly signal: AbortSignal | undefined;
  private readonly onAbort = () => this.close(this.abortReason());

  private constructor(workers: number, signal?: AbortSignal) {
    this.signal = signal;
    const here = fileURLToPath(import.meta.url);
    const entry = here.slice(0, -extname(here).length).replace(/fit-pool$/, 'fit-worker') + extname(here);
    const env = { ...process.env };
    delete env.NODE_TEST_CONTEXT;
    for (let i = 0; i < workers; i++) {
      // detached: a process group of its own, so that Ctrl-C at a terminal reaches this
      // process only; it ends the workers (close(), or their 'disconnect' when it is gone)
      const child = fork(entry, [], { execArgv: loaderFlags(), env, serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'], detached: true });
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString()).slice(-2000);
      });
      child.on('message', (m: { id: number; ok: boolean; result?: FitJobResult; error?: string }) => {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        this.running.delete(child);
        if (p) {
          if (m.ok) p.resolve(m.result!);
          else p.reject(new Error(m.error));
        }
        this.idle.push(child);
        this.dispatch();
      });
      child.on('exit', (code, signal) => {
        const id = this.running.get(child);
        this.running.delete(child);
        if (this.closed) return;
        const why = `a fit worker process stopped (${signal ?? `exit ${code}`})${stderr.trim() ? `: ${stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}`;
        if (id !== undefined) this.pending.get(id)?.reject(new Error(why));
        if (id !== undefined) this.pending.delete(id);
        this.close(new Error(why));
      });
      this.children.push(child);
      this.idle.push(child);
    }
    process.once('exit', this.onExit);
    signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /**
   * A pool of `workers` processes, or null for none (run in-process). An aborted
   * `signal` starts none: it throws the signal's reason.
   */
  static start(workers: number = defaultWorkerCount(), signal?: AbortSignal): FitPool | null {
    signal?.throwIfAborted();
    return workers > 0 ? new FitPool(workers, signal) : null;
  }

  private abortReason(): Error {
    const reason: unknown = this.signal?.reason;
    return reason instanceof Error ? reason : new Error(String(reason ?? 'the fit pool was stopped'));
  }

  /** Number of worker processes. */
  get size(): number {
    return this.children.length;
  }

  /** Jobs submitted and not finished (queued or running). */
  get backlog(): number {
    return this.pending.size;
  }

  /** Queues a fit; resolves with the worker's result, rejects with its error. */
  submit(job: FitJob): Promise<FitJobResult> {
    if (this.closed) return Promise.reject(new Error('the fit pool is closed'));
    const id = this.nextId++;
    const promise = new Promise<FitJobResult>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    // callers await these later; a rejection before then is not unhandled
    promise.catch(() => {});
    this.queue.push({ id, job });
    this.dispatch();
    return promise;
  }

  private dispatch(): void {
    while (!this.closed && this.idle.length > 0 && this.queue.length > 0) {
      const child = this.idle.shift()!;
      const { id, job } = this.queue.shift()!;
      this.running.set(child, id);
      child.send({ id, job });
    }
  }

  /** Ends every worker; jobs not finished are rejected (with `reason` when given). */
  close(reason: Error = new Error('the fit pool was closed')): void {
    if (this.closed) return;
    this.closed = true;
    process.removeListener('exit', this.onExit);
    this.signal?.removeEventListener('abort', this.onAbort);
    // at once, even inside a long LAPACK call
    for (const child of this.children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const [, p] of this.pending) p.reject(reason);
    this.pending.clear();
    this.queue.length = 0;
  }
}
