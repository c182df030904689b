import { evaluateExpression, type DeferredTemplate } from '../dag/expressions.js';
import { FailureType } from '../dag/failure-types.js';
import { referencedNames } from '../dag/references.js';
import { activityFailure } from './failures.js';

const PREFIX = 'WEFT_SECRET_';

/**
 * The worker's secrets: `WEFT_SECRET_<NAME>` variables, read once at start.
 * Values are only handed to activities that resolve a deferred template.
 */
export class SecretStore {
  private constructor(private readonly values: ReadonlyMap<string, string>) {}

  static fromEnv(env: NodeJS.ProcessEnv): SecretStore {
    const values = new Map<string, string>();
    for (const [key, value] of Object.entries(env)) {
      if (key.startsWith(PREFIX) && value) values.set(key.slice(PREFIX.length), value);
    }
    return new SecretStore(values);
  }

  get(name: string): string | undefined {
    return this.values.get(name);
  }

  /**
   * A secret a node needs.
   * @throws ApplicationFailure SECRET_MISSING (non-retryable) naming the variable to set.
   */
  require(name: string): string {
    const secret = this.values.get(name);
    if (secret === undefined) {
      throw activityFailure({ type: FailureType.SecretMissing, message: `secret ${name} is not set on this worker (set ${PREFIX}${name})`, nonRetryable: true });
    }
    return secret;
  }
}

/** A value with its deferred secret templates filled in, and the secret values used (for scrubbing). */
export interface Revealed<T> {
  value: T;
  secrets: string[];
}

/**
 * Fills in the templates the workflow deferred because they read `secrets`.
 * @throws ApplicationFailure SECRET_MISSING (non-retryable) naming the variable to set.
 */
export function revealSecrets<T>(value: T, deferred: DeferredTemplate[] | undefined, store: SecretStore): Revealed<T> {
  if (!deferred || deferred.length === 0) return { value, secrets: [] };
  const used = new Set<string>();
  const copy = structuredClone(value) as unknown;
  let root = copy;
  for (const template of deferred) {
    let text = '';
    for (const part of template.parts) {
      if ('text' in part) {
        text += part.text;
        continue;
      }
      const scope: Record<string, string> = {};
      for (const name of referencedNames(part.secret, 'secrets')) {
        const secret = store.require(name);
        scope[name] = secret;
        used.add(secret);
      }
      const resolved = evaluateExpression(part.secret, { secrets: scope });
      text += typeof resolved === 'string' ? resolved : JSON.stringify(resolved ?? '');
    }
    if (template.path.length === 0) root = text;
    else setAt(root, template.path, text);
  }
  return { value: root as T, secrets: [...used] };
}

function setAt(target: unknown, path: (string | number)[], value: string): void {
  let node = target as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1]!] = value;
}

/**
 * Replaces every occurrence of the given secret values in a JSON value's strings
 * (and keys) with `[secret]`: whatever a remote service or a command echoes back
 * never reaches history, the database, the API or logs.
 */
export function scrubSecrets<T>(value: T, secrets: readonly string[]): T {
  const live = liveSecrets(secrets);
  if (live.length === 0) return value;
  const scrubText = (text: string) => scrubString(text, live);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return scrubText(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, item]) => [scrubText(k), walk(item)]));
    return v;
  };
  return walk(value) as T;
}

/** The secrets worth scrubbing: a value under 4 characters would scrub ordinary text. */
function liveSecrets(secrets: readonly string[]): string[] {
  return secrets.filter((s) => s.length >= 4);
}

function scrubString(text: string, live: readonly string[]): string {
  return live.reduce((t, s) => t.split(s).join('[secret]'), text);
}

/** Text scrubbed as it streams: see {@link streamScrubber}. */
export interface StreamScrubber {
  /** The next piece; answers what can go out now, scrubbed. */
  push(text: string): string;
  /** The end of the text: what was held back, scrubbed. */
  end(): string;
}

/**
 * Scrubs text that arrives in pieces (a model's streamed deltas). Scrubbing
 * each piece alone lets a secret cut across two pieces through, so the tail
 * of what arrived that could still begin a secret is held back until the
 * next piece shows whether it does. `secrets` is read at every piece: an
 * attempt's secrets grow as it reveals them.
 */
export function streamScrubber(secrets: readonly string[]): StreamScrubber {
  let held = '';
  return {
    push(text) {
      const live = liveSecrets(secrets);
      const all = held + text;
      let keep = 0;
      for (const secret of live) {
        for (let n = Math.min(secret.length - 1, all.length); n > keep; n--) {
          if (secret.startsWith(all.slice(all.length - n))) {
            keep = n;
            break;
          }
        }
      }
      held = all.slice(all.length - keep);
      return scrubString(all.slice(0, all.length - keep), live);
    },
    end() {
      const rest = scrubString(held, liveSecrets(secrets));
      held = '';
      return rest;
    },
  };
}
