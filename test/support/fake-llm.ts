import { createServer, type IncomingHttpHeaders, type ServerResponse, type Server } from 'node:http';
import { anthropicProblem, blocksOf, openAiProblem } from './fake-llm-rules.js';
import { errorBody, successBody, successEvents, type FakeReply, type SseEvent, type Vendor } from './fake-llm-replies.js';

export type { FakeReply } from './fake-llm-replies.js';

export interface RecordedRequest {
  vendor: Vendor;
  at: number;
  headers: IncomingHttpHeaders;
  body: any;
  /** The user messages' text, joined. */
  user: string;
  system: string | undefined;
  /** Why the server refused the request with a 400 (a malformed conversation), if it did. */
  refused?: string;
}

/**
 * A local server that speaks Anthropic's Messages API and OpenAI's Chat
 * Completions closely enough for their official SDKs, so tests drive the real
 * SDKs through WEFT_ANTHROPIC_BASE_URL / WEFT_OPENAI_BASE_URL: text, tool calls
 * and thinking, as one JSON body or as server-sent events (`stream: true`).
 * Like the vendors, it refuses a malformed conversation with a 400
 * (fake-llm-rules.ts). Replies are scripted per marker found in the user
 * messages; each accepted request takes the next reply, the last one
 * repeating. Every request is recorded.
 */
/** The API keys the agent tests give each vendor's SDK. */
export const FAKE_LLM_KEYS = { anthropic: 'sk-ant-fake-key-000111', openai: 'sk-openai-fake-key-000222' };

export class FakeLlmServer {
  readonly requests: RecordedRequest[] = [];
  private readonly scripts = new Map<string, FakeReply[]>();
  /** Called as each streamed event is handed to the socket, with the time it was. */
  onSent: ((event: SseEvent, at: number) => void) | undefined;
  private server: Server | undefined;
  private port = 0;

  /** Replies for calls whose user messages contain `marker`. */
  script(marker: string, replies: FakeReply[]): void {
    this.scripts.set(marker, [...replies]);
  }

  /** Requests whose user messages contain `marker`. */
  requestsFor(marker: string): RecordedRequest[] {
    return this.requests.filter((r) => r.user.includes(marker));
  }

  get anthropicUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get openaiUrl(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  /** A worker's settings for both vendors' SDKs pointed here, with the keys the server expects of them. */
  workerEnv(): Record<string, string> {
    return { WEFT_ANTHROPIC_BASE_URL: this.anthropicUrl, WEFT_OPENAI_BASE_URL: this.openaiUrl, WEFT_SECRET_ANTHROPIC_API_KEY: FAKE_LLM_KEYS.anthropic, WEFT_SECRET_OPENAI_API_KEY: FAKE_LLM_KEYS.openai };
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
        const vendor = req.url?.endsWith('/chat/completions') ? 'openai' : req.url?.endsWith('/messages') ? 'anthropic' : undefined;
        if (!vendor) {
          res.writeHead(404).end();
          return;
        }
        this.answer(vendor, req.headers, body, res);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private answer(vendor: Vendor, headers: IncomingHttpHeaders, body: any, res: ServerResponse): void {
    const messages = (body.messages ?? []) as { role: string; content: string | Record<string, any>[] | null }[];
    const user = messages
      .filter((m) => m.role === 'user')
      .map((m) => blocksOf(m.content).flatMap((b) => (b.type === 'text' ? [b.text as string] : [])).join(''))
      .join('\n');
    const system = vendor === 'anthropic' ? body.system : (messages.find((m) => m.role === 'system')?.content as string | undefined);
    const refused = vendor === 'anthropic' ? anthropicProblem(body) : openAiProblem(body);
    this.requests.push({ vendor, at: Date.now(), headers, body, user, system, ...(refused ? { refused } : {}) });
    if (refused) {
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify(errorBody(vendor, 400, refused)));
      return;
    }
    const reply = this.next(user) ?? { text: `echo: ${user}` };
    const status = reply.status ?? 200;
    if (status >= 400) {
      res.writeHead(status, { 'content-type': 'application/json', ...reply.headers }).end(JSON.stringify(errorBody(vendor, status)));
    } else if (body.stream) {
      res.writeHead(status, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...reply.headers });
      const events = successEvents(vendor, body.model, reply, body.stream_options?.include_usage === true);
      if (reply.paceMs === undefined) {
        res.end(events.map(sse).join(''));
        for (const e of events) this.onSent?.(e, Date.now());
      } else void this.paced(res, events, reply.paceMs);
    } else {
      res.writeHead(status, { 'content-type': 'application/json', ...reply.headers }).end(JSON.stringify(successBody(vendor, body.model, reply)));
    }
  }

  /** Writes the events one by one, `paceMs` apart; stops if the client hangs up. */
  private async paced(res: ServerResponse, events: SseEvent[], paceMs: number): Promise<void> {
    for (const [i, e] of events.entries()) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, paceMs));
      if (res.destroyed) return;
      res.write(sse(e));
      this.onSent?.(e, Date.now());
    }
    res.end();
  }

  private next(user: string): FakeReply | undefined {
    for (const [marker, replies] of this.scripts) {
      if (!user.includes(marker)) continue;
      return replies.length > 1 ? replies.shift() : replies[0];
    }
    return undefined;
  }
}

function sse(e: SseEvent): string {
  return `${e.event ? `event: ${e.event}\n` : ''}data: ${typeof e.data === 'string' ? e.data : JSON.stringify(e.data)}\n\n`;
}
