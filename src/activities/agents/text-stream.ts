import type { AgentEventData } from '../../dag/agent-events.js';
import { NOTIFY_PAYLOAD_MAX_BYTES } from '../../db/run-events-repo.js';
import type { StreamScrubber } from '../secrets.js';

/** A `text` event as it goes out. */
export type TextEvent = Extract<AgentEventData, { kind: 'text' }>;
/** Where one turn attempt's text belongs. */
export type TextPlace = Omit<TextEvent, 'kind' | 'delta'>;

/** At most this many flushes a second per node (weft-agents 6: ten). */
const FLUSH_EVERY_MS = 100;

/**
 * Streamed model text on its way to the API processes (weft-agents 6): deltas
 * of one node are coalesced and sent at most ten times a second, each event
 * split so that its NOTIFY payload stays under PostgreSQL's limit. Nothing is
 * stored; a lost send is lost text, which the turn's stored `turn_ended`
 * carries whole anyway.
 */
export class TextStreams {
  /** Per run and node: the text waiting to go (scrubbed, each piece with its writer), the last send, the writers open. */
  private readonly nodes = new Map<string, NodeStream>();

  constructor(
    private readonly notify: (payload: string) => Promise<void>,
    private readonly onError: (err: unknown) => void,
  ) {}

  /**
   * A writer for one turn attempt. `scrubber` scrubs the text as it is written
   * (the attempt's secrets, a secret cut between two deltas included); `close`
   * resolves once everything written is sent.
   */
  open(place: TextPlace, scrubber: StreamScrubber): { write(delta: string): void; close(): Promise<void> } {
    const key = `${place.runId}/${place.nodeId}`;
    const node = this.nodes.get(key) ?? { waiting: [], lastSent: 0, writers: 0 };
    this.nodes.set(key, node);
    node.writers += 1;
    const writer = {};
    const queue = (delta: string) => {
      if (delta === '') return;
      const last = node.waiting.at(-1);
      if (last && last.writer === writer) last.event.delta += delta;
      else node.waiting.push({ event: { ...place, kind: 'text', delta }, writer });
      node.flushing ??= this.drain(node);
    };
    return {
      write: (delta) => queue(scrubber.push(delta)),
      close: async () => {
        queue(scrubber.end());
        await node.flushing;
        node.writers -= 1;
        if (node.writers === 0) this.nodes.delete(key);
      },
    };
  }

  /** Sends what waits, at most once per FLUSH_EVERY_MS, until nothing does. */
  private async drain(node: NodeStream): Promise<void> {
    while (node.waiting.length > 0) {
      const wait = node.lastSent + FLUSH_EVERY_MS - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const pieces = node.waiting.splice(0);
      node.lastSent = Date.now();
      try {
        for (const { event } of pieces) for (const payload of textPayloads(event)) await this.notify(payload);
      } catch (err) {
        this.onError(err);
      }
    }
    delete node.flushing;
  }
}

interface NodeStream {
  waiting: { event: TextEvent; writer: object }[];
  lastSent: number;
  writers: number;
  flushing?: Promise<void>;
}

/** The NOTIFY payloads of one text event: its delta split (between code points) so that each stays under the limit. */
export function textPayloads(event: TextEvent): string[] {
  const budget = NOTIFY_PAYLOAD_MAX_BYTES - Buffer.byteLength(JSON.stringify({ ...event, delta: '' }));
  const payloads: string[] = [];
  let piece = '';
  let bytes = 0;
  for (const char of event.delta) {
    // A character's size as JSON writes it (escapes included), without the quotes.
    const size = Buffer.byteLength(JSON.stringify(char)) - 2;
    if (bytes + size > budget && piece !== '') {
      payloads.push(JSON.stringify({ ...event, delta: piece }));
      piece = '';
      bytes = 0;
    }
    piece += char;
    bytes += size;
  }
  if (piece !== '') payloads.push(JSON.stringify({ ...event, delta: piece }));
  return payloads;
}
