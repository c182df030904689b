import type { ApiErrorBody, Identity } from './types';

/** The API's base path on this origin. */
export const API = '/api/v1';

/** An answer other than 2xx, with the API's coded error when it sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody | null,
  ) {
    super(body ? `${body.code}: ${body.message}` : `HTTP ${status}`);
  }
}

/** A client bound to one key: the key goes in the Authorization header only, never in a URL. */
export interface Client {
  get<T>(path: string): Promise<T>;
  send<T>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T>;
  /** Fetches a file the API streams (an export) and hands it to the browser as a download. */
  download(path: string): Promise<void>;
  /** Opens a `text/event-stream` response (the caller reads its body). */
  stream(path: string, lastEventId: string | undefined, signal: AbortSignal): Promise<Response>;
}

/**
 * How the client proves who it is: an API key in the Authorization header, or
 * the session cookie (sent by the browser) with the session's CSRF token on
 * mutations (weft-ops §15).
 */
export type Credentials = { key: string } | { csrfToken: string };

/** Builds a client for a key or a session; `onUnauthenticated` runs on a 401 (revoked, expired, idle: sign out). */
export function createClient(credentials: Credentials, onUnauthenticated: () => void): Client {
  const headers = (extra: Record<string, string> = {}) => ('key' in credentials ? { authorization: `Bearer ${credentials.key}`, ...extra } : extra);
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const csrf: Record<string, string> = 'csrfToken' in credentials && method !== 'GET' ? { 'x-csrf-token': credentials.csrfToken } : {};
    const res = await fetch(API + path, {
      method,
      headers: headers({ ...csrf, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (res.status === 401) onUnauthenticated();
    if (!res.ok) {
      const parsed = (await res.json().catch(() => null)) as { error?: ApiErrorBody } | null;
      throw new ApiError(res.status, parsed?.error ?? null);
    }
    return (res.status === 204 ? undefined : await res.json()) as T;
  };
  return {
    get: (path) => call('GET', path),
    send: (method, path, body) => call(method, path, body),
    async download(path) {
      // The key travels in a header, never a URL, so a plain link cannot carry it: fetch, then save the blob.
      const res = await fetch(API + path, { headers: headers() });
      if (res.status === 401) onUnauthenticated();
      if (!res.ok) throw new ApiError(res.status, ((await res.json().catch(() => null)) as { error?: ApiErrorBody } | null)?.error ?? null);
      const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'weft-export.csv';
      const url = URL.createObjectURL(await res.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = name;
      a.click();
      URL.revokeObjectURL(url);
    },
    async stream(path, lastEventId, signal) {
      const res = await fetch(API + path, { headers: headers({ accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) }), signal });
      if (res.status === 401) onUnauthenticated();
      if (!res.ok || !res.body) throw new ApiError(res.status, null);
      return res;
    },
  };
}

/** Checks a key and names its holder: the key sign-in's one request. */
export async function whoami(key: string): Promise<Response> {
  return fetch(`${API}/whoami`, { headers: { authorization: `Bearer ${key}` } });
}

/** The OpenID provider to offer, if any. */
export interface Provider {
  name: string;
  loginUrl: string;
}

/** What sign-in offers, and this browser's session (from its cookie) if it has one. */
export async function signInStatus(): Promise<{ provider: Provider | null; session: (Identity & { csrfToken: string }) | null }> {
  const res = await fetch('/auth/status');
  if (!res.ok) return { provider: null, session: null };
  return (await res.json()) as { provider: Provider | null; session: (Identity & { csrfToken: string }) | null };
}

/** Ends the session (at the provider too when it can): where to go next. */
export async function endSession(csrfToken: string): Promise<string> {
  const res = await fetch('/auth/logout', { method: 'POST', headers: { 'x-csrf-token': csrfToken } });
  const body = res.ok ? ((await res.json()) as { redirectTo?: string }) : {};
  return body.redirectTo ?? '/';
}
