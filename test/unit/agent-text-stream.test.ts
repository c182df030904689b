import { describe, expect, it } from 'vitest';
import { TextStreams, textPayloads, type TextEvent } from '../../src/activities/agents/text-stream.js';
import { scrubSecrets, streamScrubber } from '../../src/activities/secrets.js';
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
    const writer = streams.open(place, streamScrubber(['s3cret']));
    const started = Date.now();
    // Deltas for 350 ms, one every 5 ms, each secret cut between two deltas.
    while (Date.now() - started < 350) {
      writer.write('s3c');
      await new Promise((r) => setTimeout(r, 5));
      writer.write('ret ');
    }
    await writer.close();
    const text = sent.map((s) => s.event.delta).join('');
    expect(text).toMatch(/^(\[secret\] )+$/);
    expect(sent.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < sent.length; i++) expect(sent[i]!.at - sent[i - 1]!.at).toBeGreaterThanOrEqual(95);
    for (const s of sent) expect(s.event).toMatchObject({ ...place, kind: 'text' });
  });
});

describe('streamScrubber', () => {
  const secrets = ['sk-live-1234', 'hunter22', 'abc'];
  const text = 'key sk-live-1234 then hunter22, sk-live-12 is not one, hunter2hunter22 and abc stays';

  it('scrubs a secret wherever the text is cut, as scrubbing the whole text does', () => {
    const whole = scrubSecrets(text, secrets);
    for (let a = 0; a <= text.length; a++) {
      for (let b = a; b <= text.length; b += 3) {
        const scrubber = streamScrubber(secrets);
        const out = [text.slice(0, a), text.slice(a, b), text.slice(b)].map((piece) => scrubber.push(piece)).join('') + scrubber.end();
        expect(out, `cut at ${a} and ${b}`).toBe(whole);
      }
    }
    expect(whole).not.toContain('sk-live-1234');
    expect(whole).toContain('abc stays');
  });

  it('holds back only what could still begin a secret', () => {
    const scrubber = streamScrubber(secrets);
    expect(scrubber.push('plain text sk-li')).toBe('plain text ');
    expect(scrubber.push('ght ')).toBe('sk-light ');
    expect(scrubber.end()).toBe('');
  });

  it('reads the secrets as they grow: one revealed later is scrubbed from then on', () => {
    const live: string[] = [];
    const scrubber = streamScrubber(live);
    expect(scrubber.push('before ')).toBe('before ');
    live.push('t0ken-xyz');
    expect(scrubber.push('now t0ken-') + scrubber.push('xyz.') + scrubber.end()).toBe('now [secret].');
  });
});
