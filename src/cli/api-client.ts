import type { z } from 'zod';
import type { approval, nodeDetail, pluginList, rerunAccepted, run, runAccepted, runList, savedWorkflow, schedule, scheduleList, startedRun, storedVersion, validation, workflowDetail, workflowList } from '../api/responses.js';
import type { createdKey, keyInfo } from '../api/routes/keys.js';
import type { alertRule, alertSilence, alertView } from '../api/alert-schemas.js';
import { CliError } from './cli-error.js';
import type { Connection } from './connection.js';
import { ExitCode, exitCodeOfHttp } from './exit-codes.js';

/** Response shapes as they travel (timestamps as ISO text), from the API's own schemas. */
export type Wire<T extends z.ZodType> = z.input<T>;
export type RunWire = Wire<typeof run>;
export type RunListWire = Wire<typeof runList>;
export type ValidationWire = Wire<typeof validation>;
export type ScheduleWire = Wire<typeof schedule>;
export type NodeDetailWire = Wire<typeof nodeDetail>;

interface RequestOptions {
  body?: unknown;
  /** Text sent as is with this content type (a YAML definition). */
  text?: { content: string; type: string };
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
}

/** The API's error envelope. */
interface ErrorEnvelope {
  error?: { code?: string; message?: string; details?: unknown };
}

/** A thin typed client of the Weft API: every CLI command goes through it, never to the database or Temporal. */
export class ApiClient {
  constructor(readonly connection: Connection) {}

  /** Sends one request; an error answer becomes a `CliError` with the API's code and message. */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const res = await this.send(method, path, options);
    const text = await res.text();
    if (!res.ok) throw errorOf(res.status, text);
    if (!text) return undefined as T;
    return (res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text) as T;
  }

  /** Opens a response to read as a stream (server-sent events). */
  async stream(path: string, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<Response> {
    const res = await this.send('GET', path, { headers: { accept: 'text/event-stream', ...headers } }, signal);
    if (!res.ok) throw errorOf(res.status, await res.text());
    return res;
  }

  /** Opens a response to read as it streams (an export). */
  async download(path: string, query: Record<string, string | undefined>): Promise<Response> {
    const res = await this.send('GET', path, { query });
    if (!res.ok) throw errorOf(res.status, await res.text());
    return res;
  }

  private async send(method: string, path: string, options: RequestOptions, signal?: AbortSignal): Promise<Response> {
    const { url, key } = this.connection;
    const target = new URL(`${url}/api/v1${path}`);
    for (const [name, value] of Object.entries(options.query ?? {})) if (value !== undefined) target.searchParams.set(name, String(value));
    const headers: Record<string, string> = { ...(key ? { authorization: `Bearer ${key}` } : {}), ...options.headers };
    let body: string | null = null;
    if (options.text) {
      body = options.text.content;
      headers['content-type'] = options.text.type;
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    try {
      return await fetch(target, { method, headers, body, ...(signal ? { signal } : {}) });
    } catch (err) {
      if (signal?.aborted) throw err;
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
      throw new CliError('UNREACHABLE', `cannot reach Weft at ${url} (${cause}); start it with \`npm start\` or set WEFT_URL / --url`, ExitCode.unreachable);
    }
  }

  validate = (text: string, type: string) => this.request<ValidationWire>('POST', '/workflows/validate', { text: { content: text, type } });
  pushWorkflow = (text: string, type: string) => this.request<Wire<typeof savedWorkflow>>('POST', '/workflows', { text: { content: text, type } });
  listWorkflows = () => this.request<Wire<typeof workflowList>>('GET', '/workflows');
  getWorkflow = (name: string) => this.request<Wire<typeof workflowDetail>>('GET', `/workflows/${enc(name)}`);
  getVersion = (name: string, version: number) => this.request<Wire<typeof storedVersion>>('GET', `/workflows/${enc(name)}/versions/${version}`);
  diagram = (name: string) => this.request<string>('GET', `/workflows/${enc(name)}/diagram`);

  startRun = (body: { workflow: string; version?: number; input?: unknown; priority?: number }) => this.request<Wire<typeof startedRun>>('POST', '/runs', { body });
  getRun = (id: string, wait?: string) => this.request<RunWire>('GET', `/runs/${enc(id)}`, { query: { wait } });
  listRuns = (query: { workflow?: string; status?: string; limit?: number }) => this.request<RunListWire>('GET', '/runs', { query });
  runAction = (id: string, action: 'cancel' | 'pause' | 'resume') => this.request<Wire<typeof runAccepted>>('POST', `/runs/${enc(id)}/${action}`);
  approve = (id: string, node: string, body: { approved: boolean; comment?: string; callId?: string; args?: unknown }) =>
    this.request<Wire<typeof approval>>('POST', `/runs/${enc(id)}/approvals/${enc(node)}`, { body });
  rerun = (id: string, from?: string) => this.request<Wire<typeof rerunAccepted>>('POST', `/runs/${enc(id)}/rerun`, { body: from ? { from } : {} });
  node = (id: string, node: string) => this.request<NodeDetailWire>('GET', `/runs/${enc(id)}/nodes/${enc(node)}`);

  listSchedules = () => this.request<Wire<typeof scheduleList>>('GET', '/schedules');
  createSchedule = (body: Record<string, unknown>) => this.request<ScheduleWire>('POST', '/schedules', { body });
  scheduleAction = (id: string, action: 'pause' | 'unpause' | 'trigger') => this.request<ScheduleWire>('POST', `/schedules/${enc(id)}/${action}`);
  deleteSchedule = (id: string) => this.request<void>('DELETE', `/schedules/${enc(id)}`);

  createKey = (body: { name: string; role: string; expiresAt?: string }) => this.request<Wire<typeof createdKey>>('POST', '/keys', { body });
  listKeys = () => this.request<{ items: Wire<typeof keyInfo>[] }>('GET', '/keys');
  revokeKey = (id: string) => this.request<void>('DELETE', `/keys/${enc(id)}`);

  listPlugins = () => this.request<Wire<typeof pluginList>>('GET', '/plugins');

  listAlerts = (state?: string) => this.request<{ items: Wire<typeof alertView>[] }>('GET', '/alerts', { query: { state } });
  listAlertRules = () => this.request<{ items: Wire<typeof alertRule>[] }>('GET', '/alerts/rules');
  createSilence = (body: { matchers: Record<string, string>; endsAt: string; comment: string }) => this.request<Wire<typeof alertSilence>>('POST', '/alerts/silences', { body });
  deleteSilence = (id: string) => this.request<void>('DELETE', `/alerts/silences/${enc(id)}`);
}

const enc = encodeURIComponent;

function errorOf(status: number, text: string): CliError {
  let envelope: ErrorEnvelope = {};
  try {
    envelope = JSON.parse(text) as ErrorEnvelope;
  } catch {
    // not the envelope (a proxy's page, say): report the status
  }
  const code = envelope.error?.code ?? `HTTP_${status}`;
  const message = envelope.error?.message ?? (text.trim().slice(0, 200) || `HTTP ${status}`);
  return new CliError(code, message, exitCodeOfHttp(status), envelope.error?.details ?? null);
}
