import { createHash } from 'node:crypto';

/**
 * The API reference as one server-rendered HTML page, made from the OpenAPI
 * document at start: no script, no CDN, no bundle to ship, so it works offline
 * and under a CSP that allows only this page's one inline style (by its hash).
 */

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}
h2{border-bottom:1px solid #d0d7de;padding-bottom:.3rem;margin-top:2.5rem}
section{border:1px solid #d0d7de;border-radius:6px;padding:.5rem 1rem;margin:1rem 0}
code,pre{font:13px ui-monospace,monospace}pre{background:#f6f8fa;padding:.5rem;overflow:auto;max-height:24rem}
.m{display:inline-block;min-width:4.5rem;font-weight:700}.get{color:#0969da}.post{color:#1a7f37}.put,.patch{color:#9a6700}.delete{color:#cf222e}
table{border-collapse:collapse}td,th{border:1px solid #d0d7de;padding:.2rem .5rem;text-align:left;vertical-align:top}`;

/** The `Content-Security-Policy` the page is served with. */
export const DOCS_CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function schemaBlock(label: string, schema: unknown): string {
  return `<details><summary>${escape(label)}</summary><pre>${escape(JSON.stringify(schema, null, 2))}</pre></details>`;
}

interface Operation {
  summary?: string;
  'x-weft-role'?: string;
  parameters?: { name: string; in: string; required: boolean; schema: unknown }[];
  requestBody?: { required: boolean; content: Record<string, { schema: unknown }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
}

function operation(method: string, path: string, op: Operation): string {
  const params = op.parameters?.length
    ? `<table><tr><th>parameter</th><th>in</th><th>required</th><th>schema</th></tr>${op.parameters
        .map((p) => `<tr><td><code>${escape(p.name)}</code></td><td>${p.in}</td><td>${p.required ? 'yes' : 'no'}</td><td><code>${escape(JSON.stringify(p.schema))}</code></td></tr>`)
        .join('')}</table>`
    : '';
  const body = op.requestBody
    ? Object.entries(op.requestBody.content)
        .map(([type, c]) => schemaBlock(`request body (${type})${op.requestBody!.required ? '' : ', optional'}`, c.schema))
        .join('')
    : '';
  const responses = Object.entries(op.responses)
    .map(([status, r]) => (r.content ? Object.entries(r.content).map(([type, c]) => schemaBlock(`${status} ${r.description} (${type})`, c.schema)).join('') : `<p>${status} ${escape(r.description)}</p>`))
    .join('');
  return `<section><h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${escape(path)}</code></h3><p>${escape(op.summary ?? '')} — <em>${escape(op['x-weft-role'] ?? '')}</em></p>${params}${body}${responses}</section>`;
}

/** Renders the reference page of an OpenAPI document as `openApiDocument` builds it. */
export function renderDocsPage(document: { info: { title: string; description?: string }; servers: { url: string }[]; paths: Record<string, Record<string, Operation>> }): string {
  const base = document.servers[0]?.url ?? '';
  const byTag = new Map<string, string[]>();
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = path.split('/')[1] ?? '';
      byTag.set(tag, [...(byTag.get(tag) ?? []), operation(method, base + path, op)]);
    }
  }
  const sections = [...byTag].map(([tag, ops]) => `<h2 id="${escape(tag)}">${escape(tag)}</h2>${ops.join('')}`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(document.info.title)}</title><style>${STYLE}</style></head><body><h1>${escape(document.info.title)}</h1><p>${escape(document.info.description ?? '')}</p><p>Machine-readable: <a href="${escape(base)}/openapi.json">${escape(base)}/openapi.json</a>. Authenticate with <code>Authorization: Bearer &lt;key&gt;</code>.</p>${sections}</body></html>`;
}
