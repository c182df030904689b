import express, { type RequestHandler } from 'express';
import { AppError } from './errors.js';

/** Media types a definition may be posted as, besides JSON. */
export const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'];

/** Deepest JSON nesting accepted (contract weft-ops §4). */
export const MAX_JSON_DEPTH = 64;

/**
 * Whether a parsed JSON value nests deeper than `max` arrays and objects. Walks
 * with an explicit stack, so no input can overflow the call stack here (V8's
 * JSON.parse itself does not recurse).
 */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth + 1 > max) return true;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * JSON and YAML-text body parsers with the size limit (413 `PAYLOAD_TOO_LARGE`
 * with the limit) and, for JSON, the depth limit (400 `BAD_REQUEST`), checked
 * before any route's code walks the value recursively.
 */
export function bodyParsers(maxBodyBytes: number): RequestHandler[] {
  return [
    express.json({ limit: maxBodyBytes, strict: false }),
    express.text({ type: YAML_TYPES, limit: maxBodyBytes }),
    (req, _res, next) => {
      if (typeof req.body === 'object' && nestsDeeperThan(req.body, MAX_JSON_DEPTH)) {
        throw new AppError('BAD_REQUEST', `JSON nested deeper than ${MAX_JSON_DEPTH} levels`, { maxDepth: MAX_JSON_DEPTH });
      }
      next();
    },
  ];
}
