import { describe, expect, it } from 'vitest';
import { TextStreams, textPayloads, type TextEvent } from '../../src/activities/agents/text-stream.js';
import { NOTIFY_PAYLOAD_MAX_BYTES } from '../../src/db/run-events-repo.js';

const place = { runId: 'r1', nodeId: 'writer', scope: '', turn: 1, attempt: 1 };

describe('textPayloads', () => {
  it('splits a big delta between code points so every NOTIFY payload stays under the limit', () => {
    const delta = `${'é'.repeat(3000)}${'"\n'.repeat(2000)}${'😀'.repeat(2000)}`;
    const payloads = textPayloads({ ...place, kind: 'text', delta });
    expect(payloads.length).toBeGreaterThan(2);
    for (const p of payloads) expect(Buffer.byteLength(p)).toBeLessThanOrEqual(NOTIFY_PAYLOAD_MAX_BYTES);
    expect(payloads.map((p) => (JSON.parse(p) as TextEvent).delta).join('')).toBe(delta);
  });

  it('keeps a small delta whole', () => {
    expect(textPayloads({ ...place, kind: 'text', delta: 'hi' })).toEqual([JSON.stringify({ ...place, kind: 'text', delta: 'hi' })]);
  });
});

describe('TextStreams', () => {
  it('coalesces a node\'s deltas into at most one send per 100 ms, scrubbed, all sent by close', async () => {
    const sent: { at: number; event: TextEvent }[] = [];
    const streams = new TextStreams(async (payload) => void sent.push({ at: Date.now(), event: JSON.parse(payload) as TextEvent }), (err) => {
      throw err;
    });
    const writer = streams.open(place, (text) => text.replaceAll('s3cret', '[secret]'));
    const started = Date.now();
    // Deltas for 350 ms, one every 5 ms.
    while (Date.now() - started < 350) {
      writer.write('s3cret ');
      await new Promise((r) => setTimeout(r, 5));
    }
    await writer.close();
    const text = sent.map((s) => s.event.delta).join('');
    expect(text).toMatch(/^(\[secret\] )+$/);
    expect(sent.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < sent.length; i++) expect(sent[i]!.at - sent[i - 1]!.at).toBeGreaterThanOrEqual(95);
    for (const s of sent) expect(s.event).toMatchObject({ ...place, kind: 'text' });
  });
});
