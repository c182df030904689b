/** One server-sent event as a client receives it. */
export interface StreamEvent {
  id: string | undefined;
  event: string;
  data: unknown;
}

/** What a frame of the stream holds: an event, or a comment (the server's keep-alive). */
export type StreamFrame = { kind: 'event'; event: StreamEvent } | { kind: 'comment' };

/**
 * Reads a `text/event-stream` body frame by frame (the API's events, contract
 * weft-ops §1); ends when the server closes the stream.
 */
export async function* readStreamFrames(body: ReadableStream<Uint8Array>): AsyncGenerator<StreamFrame> {
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let buffer = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        yield* parseFrame(frame);
      }
    }
  } finally {
    // The consumer stopped early (or the stream ended): hang up so the server sees the close.
    await reader.cancel().catch(() => {});
  }
}

function* parseFrame(frame: string): Generator<StreamFrame> {
  const fields = new Map<string, string>();
  for (const line of frame.split('\n')) {
    if (line.startsWith(':')) yield { kind: 'comment' };
    else {
      const at = line.indexOf(':');
      fields.set(line.slice(0, at), line.slice(at + 1).trimStart());
    }
  }
  const data = fields.get('data');
  if (data === undefined) return;
  yield { kind: 'event', event: { id: fields.get('id'), event: fields.get('event') ?? 'message', data: JSON.parse(data) } };
}
