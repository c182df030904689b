/** One server-sent event as a client receives it. */
export interface SseEvent {
  id: string | undefined;
  event: string;
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
  const decoder = new TextDecoder();
  const reader = res.body.getReader();
  let buffer = '';
  let comments = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { status: res.status, ended: true, comments };
    buffer += decoder.decode(value, { stream: true });
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const fields = new Map<string, string>();
      for (const line of frame.split('\n')) {
        if (line.startsWith(':')) comments += 1;
        else {
          const at = line.indexOf(':');
          fields.set(line.slice(0, at), line.slice(at + 1).trimStart());
        }
      }
      if (!fields.has('data')) continue;
      if (onEvent({ id: fields.get('id'), event: fields.get('event') ?? 'message', data: JSON.parse(fields.get('data')!) }) === 'stop') {
        // The client hangs up: the server sees the connection close.
        await reader.cancel();
        controller.abort();
        return { status: res.status, ended: false, comments };
      }
    }
  }
}
