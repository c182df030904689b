import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

/** One scripted answer: a success (text and usage) or an error status. */
export interface FakeReply {
  status?: number;
  headers?: Record<string, string>;
  text?: string;
  usage?: { input: number; output: number; cacheRead?: number };
  model?: string;
}

export interface RecordedRequest {
  vendor: 'anthropic' | 'openai';
  at: number;
  headers: IncomingHttpHeaders;
  body: any;
  /** The user message. */
  user: string;
  system: string | undefined;
}

/**
 * A local server that speaks Anthropic's Messages API and OpenAI's Chat
 * Completions closely enough for their official SDKs, so tests drive the real
 * SDKs through WEFT_ANTHROPIC_BASE_URL / WEFT_OPENAI_BASE_URL. Replies are
 * scripted per marker found in the user message; each request takes the next
 * reply, the last one repeating. Every request is recorded.
 */
export class FakeLlmServer {
  readonly requests: RecordedRequest[] = [];
  private readonly scripts = new Map<string, FakeReply[]>();
  private server: Server | undefined;
  private port = 0;

  /** Replies for calls whose user message contains `marker`. */
  script(marker: string, replies: FakeReply[]): void {
    this.scripts.set(marker, [...replies]);
  }

  /** Requests whose user message contains `marker`. */
  requestsFor(marker: string): RecordedRequest[] {
    return this.requests.filter((r) => r.user.includes(marker));
  }

  get anthropicUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get openaiUrl(): string {
    return `http://127.0.0.1:${this.port}/v1`;
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
        const messages = (body.messages ?? []) as { role: string; content: string }[];
        const user = messages.filter((m) => m.role === 'user').map((m) => m.content).join('\n');
        const system = vendor === 'anthropic' ? body.system : messages.find((m) => m.role === 'system')?.content;
        this.requests.push({ vendor, at: Date.now(), headers: req.headers, body, user, system });
        const reply = this.next(user) ?? { text: `echo: ${user}` };
        const status = reply.status ?? 200;
        res.writeHead(status, { 'content-type': 'application/json', ...reply.headers });
        res.end(JSON.stringify(status >= 400 ? errorBody(vendor, status) : successBody(vendor, body.model, reply)));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private next(user: string): FakeReply | undefined {
    for (const [marker, replies] of this.scripts) {
      if (!user.includes(marker)) continue;
      return replies.length > 1 ? replies.shift() : replies[0];
    }
    return undefined;
  }
}

function successBody(vendor: 'anthropic' | 'openai', requestedModel: string, reply: FakeReply) {
  const text = reply.text ?? '';
  const usage = reply.usage ?? { input: 10, output: 5 };
  const model = reply.model ?? requestedModel;
  if (vendor === 'anthropic') {
    return {
      id: 'msg_fake',
      type: 'message',
      role: 'assistant',
      model,
      content: [{ type: 'text', text }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: usage.input, output_tokens: usage.output, ...(usage.cacheRead ? { cache_read_input_tokens: usage.cacheRead } : {}) },
    };
  }
  return {
    id: 'chatcmpl-fake',
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
    usage: {
      prompt_tokens: usage.input + (usage.cacheRead ?? 0),
      completion_tokens: usage.output,
      total_tokens: usage.input + (usage.cacheRead ?? 0) + usage.output,
      ...(usage.cacheRead ? { prompt_tokens_details: { cached_tokens: usage.cacheRead } } : {}),
    },
  };
}

function errorBody(vendor: 'anthropic' | 'openai', status: number) {
  const type = status === 429 ? 'rate_limit_error' : status === 529 ? 'overloaded_error' : status >= 500 ? 'api_error' : status === 401 ? 'authentication_error' : 'invalid_request_error';
  const message = `fake ${type} (${status})`;
  return vendor === 'anthropic' ? { type: 'error', error: { type, message } } : { error: { message, type, code: null } };
}
