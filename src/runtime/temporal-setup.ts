import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import { ensureSearchAttributes } from './search-attributes.js';

/** How long finished runs' histories stay on a namespace Weft registers (Temporal's own default for new namespaces is none). */
const RETENTION = '7 days';
/** gRPC's NOT_FOUND status code. */
const NOT_FOUND = 5;

/** Temporal did not become ready for Weft within the deadline. */
export class TemporalSetupError extends Error {
  override readonly name = 'TemporalSetupError';
}

/**
 * Prepares a fresh Temporal server (the production server, which creates no
 * namespace by itself) for Weft: waits until its frontend answers, registers
 * the namespace when it is missing, then Weft's search attributes. Idempotent:
 * run it at every deployment, before the workers start.
 * @throws TemporalSetupError with the last error when the deadline passes.
 */
export async function prepareTemporal(address: string, namespace: string, timeoutMs = 120_000): Promise<{ registeredNamespace: boolean }> {
  const deadline = Date.now() + timeoutMs;
  let registeredNamespace = false;
  let lastError: unknown;
  while (Date.now() < deadline) {
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address, connectTimeout: 2_000 });
      if (!(await namespaceExists(connection, namespace))) {
        await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs(RETENTION) });
        registeredNamespace = true;
      }
      // A new namespace reaches every service's cache only after a refresh: until then this fails and is retried.
      await ensureSearchAttributes(connection, namespace);
      return { registeredNamespace };
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      await connection?.close();
    }
  }
  throw new TemporalSetupError(`Temporal at ${address} was not ready for namespace ${namespace} within ${timeoutMs} ms: ${String(lastError)}`);
}

async function namespaceExists(connection: Connection, namespace: string): Promise<boolean> {
  try {
    await connection.workflowService.describeNamespace({ namespace });
    return true;
  } catch (err) {
    if ((err as { code?: number }).code === NOT_FOUND) return false;
    throw err;
  }
}
