import { readStreamFrames, type StreamEvent } from '../../src/sse/event-stream-reader.js';

/** One server-sent event as a client receives it. */
export interface SseEvent extends StreamEvent {
  data: any;
}

/**
 * Reads a server-sent event stream with `fetch` and the `Authorization` header,
 * as a browser client does (keys never go in query strings). Calls `onEvent`
 * for each event; resolves when the server ends the stream, or when `onEvent`
 * returns `'stop'` (the client hangs up). `onOpen` is called once the server
 * answered (the stream's starting point is fixed then).
 */
export async function readEvents(
  url: string,
  key: string,
  onEvent: (e: SseEvent) => void | 'stop',
  lastEventId?: string,
  onOpen?: () => void,
): Promise<{ status: number; ended: boolean; comments: number }> {
  const controller = new AbortController();
  const res = await fetch(url, { headers: { authorization: `Bearer ${key}`, accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) }, signal: controller.signal });
  onOpen?.();
  if (!res.body || res.status !== 200) return { status: res.status, ended: true, comments: 0 };
  let comments = 0;
  for await (const frame of readStreamFrames(res.body)) {
    if (frame.kind === 'comment') comments += 1;
    else if (onEvent(frame.event) === 'stop') {
      // The client hangs up: the server sees the connection close (the reader is cancelled on leaving the loop).
      controller.abort();
      return { status: res.status, ended: false, comments };
    }
  }
  return { status: res.status, ended: true, comments };
}
