/**
 * An export thread's entry (see `threadExports`): reads one export on a
 * connection of its own, encodes each page as UTF-8 and posts it, the bytes
 * transferred, not copied. It posts a page once the previous one is
 * acknowledged (written out), reading the next meanwhile. Imports only the
 * driver, the export repository and the encoders: the thread's heap is small.
 */
import { once } from 'node:events';
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../db/client.js';
import { exportColumns, ExportRepo } from '../db/export-repo.js';
import { pageEncoder } from './page-encoder.js';
import type { ExportThreadInput, ExportThreadMessage } from './thread-exports.js';

const port = parentPort!;
const { url, request } = workerData as ExportThreadInput;
const post = (message: ExportThreadMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

const database = await openDatabase({ url, dataDir: '', migrate: false, maxConnections: 1 });
try {
  const encode = pageEncoder(request.format, exportColumns(request.dataset));
  const utf8 = new TextEncoder();
  let acknowledged: Promise<unknown> = Promise.resolve();
  await new ExportRepo(database.db).read(request.dataset, request.filters, async (rows) => {
    const page = utf8.encode(encode(rows));
    await acknowledged;
    // Listening before posting: an acknowledgement with no listener yet would be lost.
    acknowledged = once(port, 'message');
    post({ page }, [page.buffer as ArrayBuffer]);
    return true;
  });
  await acknowledged;
} finally {
  await database.close();
}
post({ end: true });
