/** The part of JSON Schema the start form understands; anything else is edited as JSON. */
export interface FieldSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  enum?: unknown[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  items?: FieldSchema;
  properties?: Record<string, FieldSchema>;
  required?: string[];
}

export type FieldKind = 'string' | 'number' | 'integer' | 'boolean' | 'enum' | 'json';

/** How a property is edited: a text, number or check box, a choice, or JSON for arrays, objects and unions. */
export function kindOf(schema: FieldSchema): FieldKind {
  if (schema.enum) return 'enum';
  const type = Array.isArray(schema.type) ? undefined : schema.type;
  return type === 'string' || type === 'number' || type === 'integer' || type === 'boolean' ? type : 'json';
}

/** A field's text as a value of its kind; `undefined` for an empty optional field. */
export function parseField(kind: FieldKind, text: string, schema: FieldSchema): { value?: unknown; error?: string } {
  if (text === '') return {};
  if (kind === 'number' || kind === 'integer') {
    const n = Number(text);
    if (!Number.isFinite(n)) return { error: 'must be a number' };
    if (kind === 'integer' && !Number.isInteger(n)) return { error: 'must be a whole number' };
    if (schema.minimum !== undefined && n < schema.minimum) return { error: `must be at least ${schema.minimum}` };
    if (schema.maximum !== undefined && n > schema.maximum) return { error: `must be at most ${schema.maximum}` };
    return { value: n };
  }
  if (kind === 'boolean') return { value: text === 'true' };
  if (kind === 'enum') return { value: schema.enum!.find((v) => JSON.stringify(v) === text) };
  if (kind === 'json') {
    try {
      return { value: JSON.parse(text) };
    } catch {
      return { error: 'must be JSON' };
    }
  }
  if (schema.minLength !== undefined && text.length < schema.minLength) return { error: `must have at least ${schema.minLength} characters` };
  if (schema.maxLength !== undefined && text.length > schema.maxLength) return { error: `must have at most ${schema.maxLength} characters` };
  if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(text)) return { error: `must match ${schema.pattern}` };
  return { value: text };
}

/** A field's initial text from the schema's default. */
export function initialText(kind: FieldKind, schema: FieldSchema): string {
  if (schema.default === undefined) return kind === 'boolean' ? 'false' : '';
  if (kind === 'enum') return JSON.stringify(schema.default);
  return kind === 'json' ? JSON.stringify(schema.default, null, 2) : String(schema.default);
}
