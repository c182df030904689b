/**
 * Whether an error means a dependency (PostgreSQL, Temporal) is unreachable,
 * which the API answers with 503 UNAVAILABLE rather than a 500: the request was
 * fine, the platform is not. Drizzle wraps driver errors, so causes are followed.
 */
export function isDependencyDown(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, severity } = e as { code?: unknown; severity?: unknown };
    if (typeof code === 'string' && DOWN_CODES.test(code)) return true;
    // 55000 is an ordinary query error too; as FATAL it is PostgreSQL refusing the session (database not accepting connections).
    if (code === '55000' && severity === 'FATAL') return true;
    // gRPC status 14 (UNAVAILABLE) and 4 (DEADLINE_EXCEEDED) from the Temporal client.
    if (typeof code === 'number' && (code === 14 || code === 4) && (e as { name?: string }).name !== 'AppError') return true;
  }
  return false;
}

/** SQLSTATE class 08 and 57P0x, too many connections, socket errors, postgres.js connection codes. */
const DOWN_CODES = /^(08...|57P0[1-3]|53300|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|EPIPE|CONNECTION_CLOSED|CONNECTION_ENDED|CONNECTION_DESTROYED|CONNECT_TIMEOUT)$/;
