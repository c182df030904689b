import { ExpressionError, compileExpression, forEachTemplateString, parseTemplate, readsSecrets } from './expressions.js';
import { readsRoot, referencedNames } from './references.js';
import { ValidationCode, pointer, type IssueSink } from './validation-issues.js';

/** Whether an expression at some place may read `nodes.<name>`. */
export type Visibility = (name: string) => boolean;

/**
 * Roots a place cannot read at all, and why: a tool's templates see `args`,
 * `input` and `run`, never a node's scope. With it, `nodes` is judged here, not by a Visibility.
 */
export interface HiddenRoots {
  roots: readonly string[];
  why: string;
}

/** Where `secrets.NAME` may be read in a node: fields that only activities resolve (contract 1.1). */
const NODE_SECRET_FIELDS = /\/(agent\/apiKey|fallback\/\d+\/apiKey|request\/url|request\/headers\/[^/]+|request\/query\/[^/]+|request\/body(\/.*)?|env\/[^/]+)$/;

/**
 * Where it may be read outside nodes (weft-agents 1): a tool's fields as its node
 * type allows them (http: url, headers, query, body; exec: env; plugin: config),
 * an MCP server's url, headers and env, and a profile's apiKey. Anchored, since
 * these paths sit at the definition's top level.
 */
const TOP_SECRET_FIELDS =
  /^(\/tools\/[^/]+\/(http\/(url|headers\/[^/]+|query\/[^/]+|body(\/.*)?)|exec\/env\/[^/]+|config(\/.*)?)|\/mcp\/[^/]+\/(url|headers\/[^/]+|env\/[^/]+)|\/agents\/[^/]+\/apiKey)$/;

function secretsAllowedAt(path: string): boolean {
  if (/^\/(tools|mcp|agents)\//.test(path)) return TOP_SECRET_FIELDS.test(path);
  return NODE_SECRET_FIELDS.test(path);
}

/** Checks every template inside a JSON value. */
export function checkTemplates(value: unknown, base: string, visible: Visibility, out: IssueSink, secretsAllowed = false, hidden?: HiddenRoots): void {
  forEachTemplateString(value, (text, keys) => {
    const path = pointer(base, ...keys);
    let parts;
    try {
      parts = parseTemplate(text);
    } catch (err) {
      out.add(ValidationCode.ExpressionSyntax, path, (err as Error).message);
      return;
    }
    for (const part of parts ?? []) {
      if (part.kind === 'expr') checkExpression(part.source, path, visible, out, secretsAllowed, hidden);
    }
  });
}

/** Checks one expression's syntax and that every `nodes.x` (or hidden root) it reads can exist. */
export function checkExpression(source: string, path: string, visible: Visibility, out: IssueSink, secretsAllowed = false, hidden?: HiddenRoots): void {
  let names: Set<string>;
  try {
    compileExpression(source);
    names = referencedNames(source, 'nodes');
  } catch (err) {
    const message = err instanceof ExpressionError ? err.message : String(err);
    out.add(ValidationCode.ExpressionSyntax, path, `${JSON.stringify(source)}: ${message}`);
    return;
  }
  if (hidden) {
    for (const root of hidden.roots) {
      if (readsRoot(source, root)) out.add(ValidationCode.UnknownReference, path, `reads ${root}: ${hidden.why}`);
    }
  } else {
    for (const name of names) {
      if (!visible(name)) {
        out.add(ValidationCode.UnknownReference, path, `reads nodes.${name}, which is not an ancestor of this node`);
      }
    }
  }
  if (readsSecrets(source)) {
    if (!secretsAllowed && !secretsAllowedAt(path)) {
      out.add(
        ValidationCode.Schema,
        path,
        "secrets may be read only in agent.apiKey, an http request (url, headers, query, body), exec env and a plugin node's config, and the same fields of tools and MCP servers",
      );
    } else if (names.size > 0 || referencedNames(source, 'input').size > 0 || referencedNames(source, 'args').size > 0) {
      out.add(ValidationCode.Schema, path, 'a template that reads secrets may read nothing else; put other values in their own {{ }}');
    }
  }
}
