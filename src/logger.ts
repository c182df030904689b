import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * The process logger. Fields that could carry credentials are redacted as a
 * second line of defence; code never logs secrets, prompts or definitions.
 */
export function createLogger(level: string, name = 'weft', destination?: NodeJS.WritableStream): Logger {
  const options = {
    name,
    level,
    redact: { paths: ['req.headers.authorization', 'headers.authorization', '*.apiKey', '*.secret', '*.password'], censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}
