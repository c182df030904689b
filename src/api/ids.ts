import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/**
 * A run id: `run_` and a ULID-style time-ordered suffix, so ids sort by start
 * time in lists and in Temporal's Web UI.
 */
export function newRunId(now = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32]! + time;
    t = Math.floor(t / 32);
  }
  const random = [...randomBytes(16)].map((b) => ALPHABET[b % 32]).join('');
  return `run_${time}${random}`;
}
