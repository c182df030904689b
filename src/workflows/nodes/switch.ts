import { evaluateExpression } from '../../dag/expressions.js';
import { failed, succeeded } from '../../dag/outcome.js';
import { errorOf } from '../failures.js';
import type { NodeExecutor } from './executor.js';

/** `switch`: picks the case whose key equals the value (or `default`); the other branches are skipped. */
export const switchNode: NodeExecutor<'switch'> = async ({ spec }, bindings) => {
  let value: unknown;
  try {
    value = evaluateExpression(spec.value, bindings);
  } catch (err) {
    return failed(errorOf(err));
  }
  const key = value === undefined || value === null ? null : typeof value === 'string' ? value : JSON.stringify(value);
  const matched = key !== null && Object.hasOwn(spec.cases, key);
  const taken = new Set(matched ? spec.cases[key]! : (spec.default ?? []));
  const all = new Set([...Object.values(spec.cases).flat(), ...(spec.default ?? [])]);
  return succeeded({ selected: matched ? key : spec.default ? 'default' : null }, { notTaken: [...all].filter((id) => !taken.has(id)) });
};
