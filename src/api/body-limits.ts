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
 * Whether a parsed body holds U+0000 in any string or key: PostgreSQL stores
 * no NUL in text or jsonb, so such a body could never be kept as sent.
 */
export function holdsNul(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const current = stack.pop();
    if (typeof current === 'string') {
      if (current.includes('\u0000')) return true;
    } else if (current !== null && typeof current === 'object') {
      for (const [key, child] of Object.entries(current)) {
        if (key.includes('\u0000')) return true;
        stack.push(child);
      }
    }
  }
  return false;
}

/**
 * JSON and YAML-text body parsers with the size limit (413 `PAYLOAD_TOO_LARGE`
 * with the limit) and, for JSON, the depth limit (400 `BAD_REQUEST`), checked
 * before any route's code walks the value recursively; a NUL anywhere is a 400 too.
 */
export function bodyParsers(maxBodyBytes: number): RequestHandler[] {
  return [
    express.json({ limit: maxBodyBytes, strict: false }),
    express.text({ type: YAML_TYPES, limit: maxBodyBytes }),
    (req, _res, next) => {
      if (typeof req.body === 'object' && nestsDeeperThan(req.body, MAX_JSON_DEPTH)) {
        throw new AppError('BAD_REQUEST', `JSON nested deeper than ${MAX_JSON_DEPTH} levels`, { maxDepth: MAX_JSON_DEPTH });
      }
      if (holdsNul(req.body)) throw new AppError('BAD_REQUEST', 'the body holds the character U+0000 (NUL), which Weft cannot store');
      next();
    },
  ];
}
