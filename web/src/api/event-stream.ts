import { readStreamFrames, type StreamEvent } from '../../../src/sse/event-stream-reader';
import type { Client } from './client';

/** Waits before reconnecting, growing to this at most. */
const MAX_BACKOFF_MS = 5_000;

/**
 * Follows a server-sent event stream with `fetch` (EventSource cannot send the
 * Authorization header, weft-ops §1), reconnecting with `Last-Event-ID` after a
 * dropped connection so no event is lost or repeated. Stops when the server
 * ends the stream (a run's final event) unless `forever`, or on `signal`.
 */
export async function followEvents(
  client: Client,
  path: string,
  onEvent: (event: StreamEvent) => void,
  options: { signal: AbortSignal; forever?: boolean; onState?: (connected: boolean) => void },
): Promise<void> {
  let lastId: string | undefined;
  let backoff = 250;
  while (!options.signal.aborted) {
    try {
      const res = await client.stream(path, lastId, options.signal);
      options.onState?.(true);
      backoff = 250;
      for await (const frame of readStreamFrames(res.body!)) {
        if (frame.kind !== 'event') continue;
        if (frame.event.id !== undefined) lastId = frame.event.id;
        onEvent(frame.event);
      }
      if (!options.forever) return;
    } catch (err) {
      if (options.signal.aborted) return;
      // A refused stream (401, 403, 404) will not get better by retrying.
      if (err instanceof Error && 'status' in err && typeof err.status === 'number' && err.status >= 400 && err.status < 500) throw err;
    }
    options.onState?.(false);
    await new Promise((resolve) => setTimeout(resolve, backoff));
    backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
  }
}
