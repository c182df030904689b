import { Worker, type WorkerOptions } from 'node:worker_threads';
import type { ExportRequest, ExportSource } from './export-source.js';

/** What the export thread is started with (its `workerData`). */
export interface ExportThreadInput {
  url: string;
  request: ExportRequest;
}

/** What the export thread posts: each encoded page (its buffer transferred), then the end once its reading is done. */
export type ExportThreadMessage = { page: Uint8Array } | { end: true };

/**
 * The thread's heap. Its live data is its modules (postgres.js, Drizzle, the
 * schema) and two pages, about 10 MB; V8 keeps the heap near 25 MB whatever
 * the limit (32 or 64 MB measured alike), so the limit is headroom for pages
 * of long rows (long error messages): a page beyond it fails the export
 * (EXPORT_THREAD_FAILED), it does not grow the process.
 */
export const EXPORT_THREAD_LIMITS = { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 4 } as const;

/** An export thread failed: it threw, ran out of its heap, or exited before its end. */
export class ExportThreadError extends Error {
  override readonly name = 'ExportThreadError';
  readonly code = 'EXPORT_THREAD_FAILED';
}

/** Export sources that count their live threads (a disconnect must end its thread). */
export interface ThreadExports extends ExportSource {
  /** Export threads started and not yet exited. */
  readonly running: number;
}

const fromSource = import.meta.url.endsWith('.ts');
const ENTRY = new URL(`./export-thread.${fromSource ? 'ts' : 'js'}`, import.meta.url).href;

/**
 * Starts a thread on the entry. From source the thread needs tsx as this
 * process has it (bin/weft.js registers it without a flag), and on Node 20 a
 * thread's own `--import` hooks do not reach its entry module: the entry is
 * imported through tsx's `tsImport` instead.
 */
function startThread(options: WorkerOptions): Worker {
  if (!fromSource) return new Worker(new URL(ENTRY), options);
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const entry = JSON.stringify(ENTRY);
  return new Worker(`import(${tsx}).then((tsx) => tsx.tsImport(${entry}, ${entry}))`, { ...options, eval: true });
}

/**
 * Reads each export in a `worker_threads` thread of its own, on its own
 * connection to `url`, with a bounded heap (contract weft-ops §14's memory
 * target: postgres.js's row objects outlive V8's young generation, and in the
 * API's heap they were promoted and grew its old generation by about 200 MB a
 * million rows before a full collection). The thread reads and encodes; this
 * side writes each page and acknowledges it once written (back-pressure: at
 * most two pages in flight). A client gone, or a failed write, terminates the
 * thread; `read` settles once the thread has exited.
 */
export function threadExports(url: string, limits: typeof EXPORT_THREAD_LIMITS = EXPORT_THREAD_LIMITS): ThreadExports {
  let running = 0;
  return {
    get running() {
      return running;
    },
    read: (request, onPage) =>
      new Promise<void>((resolve, reject) => {
        const input: ExportThreadInput = { url, request };
        const worker = startThread({ workerData: input, resourceLimits: limits });
        running++;
        let outcome: { done: true } | { failed: unknown } | null = null;
        const finish = (result: NonNullable<typeof outcome>) => {
          outcome ??= result;
          void worker.terminate();
        };
        worker.on('message', (message: ExportThreadMessage) => {
          if ('end' in message) return finish({ done: true });
          onPage(message.page).then(
            (more) => (more ? worker.postMessage(null) : finish({ done: true })),
            (err: unknown) => finish({ failed: err }),
          );
        });
        worker.on('error', (err) => finish({ failed: new ExportThreadError(`the export thread failed: ${err.message}`, { cause: err }) }));
        worker.once('exit', (code) => {
          running--;
          if (outcome && 'done' in outcome) resolve();
          else reject(outcome?.failed ?? new ExportThreadError(`the export thread exited (${code}) before its end`));
        });
      }),
  };
}
