import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../logger.js';
import { isDependencyDown } from './dependency-errors.js';

/** Every API error code and its HTTP status (contract section 4). */
export const ErrorCodes = {
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  NOT_WAITING: 409,
  /** A `block` period budget of the workflow is spent (weft-ops §7). */
  BUDGET_EXCEEDED: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  VALIDATION_FAILED: 422,
  INPUT_INVALID: 422,
  /** Edited arguments of a tool call that fail the tool's parameters (weft-agents 3.2). */
  ARGS_INVALID: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

/** The one error type routes throw; the error middleware renders it as the contract's envelope. */
export class AppError extends Error {
  override readonly name = 'AppError';
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.status = ErrorCodes[code];
  }
}

/** The error envelope: `{"error": {code, message, details, requestId, timestamp}}`. */
export function errorBody(err: AppError, requestId: string | undefined) {
  return {
    error: {
      code: err.code,
      message: err.message,
      details: err.details ?? null,
      requestId: requestId ?? null,
      timestamp: new Date().toISOString(),
    },
  };
}

/** body-parser's failures, which must never surface as 5xx. */
interface ParserError {
  type?: string;
  status?: number;
  limit?: number;
}

function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const parser = err as ParserError;
  switch (parser?.type) {
    case 'entity.parse.failed':
      return new AppError('BAD_REQUEST', `malformed JSON body: ${(err as Error).message}`);
    case 'entity.too.large':
      return new AppError('PAYLOAD_TOO_LARGE', `request body is over the limit of ${parser.limit} bytes`, { limitBytes: parser.limit });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', (err as Error).message);
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return new AppError('BAD_REQUEST', (err as Error).message);
  }
  if (isDependencyDown(err)) return new AppError('UNAVAILABLE', 'a dependency (database or Temporal) is unavailable; try again');
  if (typeof parser?.status === 'number' && parser.status >= 400 && parser.status < 500) {
    return new AppError('BAD_REQUEST', (err as Error).message);
  }
  return new AppError('INTERNAL', 'internal error');
}

/** Maps anything thrown to the error envelope; unexpected errors are logged, never echoed. */
export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const appError = toAppError(err);
    if (appError.status >= 500) logger.error({ err, requestId: req.id, path: req.path }, 'request failed');
    if (appError.code === 'UNAVAILABLE') res.setHeader('Retry-After', '5');
    res.locals.errorCode = appError.code;
    res.status(appError.status).json(errorBody(appError, req.id));
  };
}

/** Unknown routes answer 404 in the same envelope. */
export const notFoundHandler: RequestHandler = (req) => {
  throw new AppError('NOT_FOUND', `no route ${req.method} ${req.path}`);
};
