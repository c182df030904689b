import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { expect } from 'vitest';
import { ADMIN_KEY, type Harness } from './harness.js';

interface Operation {
  responses: Record<string, { content?: Record<string, { schema: object }> }>;
}

/** The document's operations, each with a regex of its paths under the API base. */
function operations(document: { servers: { url: string }[]; paths: Record<string, Record<string, Operation>> }) {
  const base = document.servers[0]!.url;
  return Object.entries(document.paths).flatMap(([path, methods]) => {
    const pattern = new RegExp(`^${base}${path.replace(/\{\w+\}/g, '[^/]+')}$`);
    return Object.entries(methods).map(([method, operation]) => ({ method: method.toUpperCase(), path, pattern, operation }));
  });
}

/**
 * Checks every response the harness received from a documented route against
 * the OpenAPI document's schema for its status and media type: the document
 * must describe what the API really answers. Returns how many were checked.
 */
export async function expectResponsesMatchDocument(h: Harness): Promise<number> {
  const document = (await fetch(`${h.url}/api/v1/openapi.json`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } }).then((r) => r.json())) as Parameters<typeof operations>[0];
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  const ops = operations(document);
  const problems: string[] = [];
  let checked = 0;
  for (const response of h.responses) {
    const path = response.path.split('?')[0]!;
    const op = ops.find((o) => o.method === response.method && o.pattern.test(path));
    // Unknown routes (404 from the catch-all) and pages outside the API base have no operation.
    if (!op) continue;
    const described = op.operation.responses[String(response.status)];
    if (!described) {
      problems.push(`${response.method} ${path}: status ${response.status} is not documented`);
      continue;
    }
    checked++;
    if (!described.content) {
      if (response.body !== null) problems.push(`${response.method} ${path} ${response.status}: documented without a body, got one`);
      continue;
    }
    const mediaType = response.contentType?.split(';')[0] ?? '';
    const content = described.content[mediaType];
    if (!content) {
      problems.push(`${response.method} ${path} ${response.status}: media type ${mediaType} is not documented`);
      continue;
    }
    const validate = ajv.compile(content.schema);
    if (!validate(response.body)) problems.push(`${response.method} ${path} ${response.status}: ${ajv.errorsText(validate.errors)}`);
  }
  expect(problems).toEqual([]);
  return checked;
}
