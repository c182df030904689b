import { parse as parseYaml, YAMLParseError } from 'yaml';

/** A definition's text could not be read as YAML or JSON. */
export class DefinitionParseError extends Error {
  override readonly name = 'DefinitionParseError';
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
  }
}

/**
 * Reads a definition from YAML or JSON text (JSON is YAML). Duplicate keys are an
 * error rather than a silent overwrite, and alias expansion is capped so a
 * "billion laughs" document cannot exhaust memory.
 */
export function parseDefinitionText(text: string): unknown {
  try {
    return parseYaml(text, { uniqueKeys: true, maxAliasCount: 100, prettyErrors: true });
  } catch (err) {
    if (err instanceof YAMLParseError) {
      const pos = err.linePos?.[0];
      throw new DefinitionParseError(err.message.split('\n')[0] ?? err.message, pos?.line, pos?.col);
    }
    throw new DefinitionParseError(err instanceof Error ? err.message : String(err));
  }
}

/** JSON with object keys sorted at every level: equal content gives equal text (content hashes). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}
