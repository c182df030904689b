/**
 * Compares `actual` with `expected` as the conformance format defines it:
 * objects as subsets, recursively (keys given must match, others are not
 * checked); an array of objects element by element, each as a subset, at the
 * same length (the agent cases, `shared/conformance/README.md`); other arrays
 * and scalars exactly. Returns the first mismatch, or null.
 */
export function subsetMismatch(expected: unknown, actual: unknown, path = ''): string | null {
  if (Array.isArray(expected) && expected.length > 0 && expected.every(isObject)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return `${path || '/'}: expected ${expected.length} items, got ${show(actual)}`;
    for (let i = 0; i < expected.length; i++) {
      const mismatch = subsetMismatch(expected[i], actual[i], `${path}/${i}`);
      if (mismatch) return mismatch;
    }
    return null;
  }
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return `${path || '/'}: expected an object, got ${show(actual)}`;
    for (const [key, value] of Object.entries(expected)) {
      const mismatch = subsetMismatch(value, (actual as Record<string, unknown>)[key], `${path}/${key}`);
      if (mismatch) return mismatch;
    }
    return null;
  }
  return exactMismatch(expected, actual, path);
}

/** Deep equality with the first difference named. */
export function exactMismatch(expected: unknown, actual: unknown, path = ''): string | null {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return `${path || '/'}: expected ${show(expected)}, got ${show(actual)}`;
    for (let i = 0; i < expected.length; i++) {
      const mismatch = exactMismatch(expected[i], actual[i], `${path}/${i}`);
      if (mismatch) return mismatch;
    }
    return null;
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return `${path || '/'}: expected ${show(expected)}, got ${show(actual)}`;
    const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
    for (const key of keys) {
      const mismatch = exactMismatch((expected as Record<string, unknown>)[key], (actual as Record<string, unknown>)[key], `${path}/${key}`);
      if (mismatch) return mismatch;
    }
    return null;
  }
  return Object.is(expected, actual) || (expected === undefined && actual === null) ? null : `${path || '/'}: expected ${show(expected)}, got ${show(actual)}`;
}

function isObject(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? 'nothing' : text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
