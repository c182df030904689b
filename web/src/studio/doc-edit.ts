/**
 * Graph edits of a workflow definition as minimal edits of its YAML text
 * (weft-ops §12). The YAML document is the model; every graph operation here
 * reads the parsed `yaml` Document for where things are and answers the text
 * changes that make it, so the editor applies them as one CodeMirror
 * transaction (one undo history for both views). No React, no DOM.
 *
 * Invariants:
 * 1. An operation changes only the text of what it must: the lines of an added
 *    or removed node, the one `needs` entry (or the `needs` line) of a
 *    connection, the id and reference spans of a rename, the pair of a changed
 *    field. Every other byte (comments, blank lines, key order, anchors, flow
 *    or block style, quoting, block scalars) is left as it was.
 * 2. Changes are given in the coordinates of the text they were computed on,
 *    do not overlap, and `applyChanges` applies them in one step.
 * 3. An operation that has nothing to do (connecting what is connected,
 *    disconnecting what is not) answers no changes; one that cannot be done
 *    (an unknown node, a taken or malformed id, a text that does not parse)
 *    throws `DocEditError` and changes nothing.
 * 4. A rename follows every reference: `needs`, `switch` `cases` and
 *    `default`, and `nodes.<id>` in every template and expression, keeping
 *    each scalar's quoting.
 * 5. Pure: the same text and operation give the same changes (documents read are never changed).
 */
import { isMap, isPair, isScalar, isSeq, parseDocument, stringify, visit, type Document, type Node, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';

/** One replacement of `text.slice(from, to)` by `insert`. */
export interface TextChange {
  from: number;
  to: number;
  insert: string;
}

/** An operation that cannot be done on this text (nothing changes). */
export class DocEditError extends Error {}

/** A node id of the DSL. */
export const NODE_ID = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** A plain scalar YAML would read as something other than a string. */
const NOT_A_STRING = /^(?:null|true|false|yes|no|on|off|y|n|~|[-+.]?\d.*|\.(?:inf|nan))$/i;

/** A parsed draft: its text and the `yaml` Document read from it. */
export interface Draft {
  text: string;
  doc: Document.Parsed;
}

/** The last two drafts read, newest first. */
let recent: Draft[] = [];

/**
 * Reads a draft (comments, ranges and styles kept by the parser). The last
 * two texts read are answered from memory: the editor reads the same text from
 * several places, and while typing the graph reads a deferred (older) text
 * beside the current one; a 2,000-node definition takes a while to parse.
 * Callers never change the Document.
 */
export function readDraft(text: string): Draft {
  const known = recent.find((d) => d.text === text);
  if (known) return known;
  const draft = { text, doc: parseDocument(text, { prettyErrors: false }) };
  recent = [draft, recent[0]].filter((d): d is Draft => d !== undefined);
  return draft;
}

/** Applies non-overlapping changes computed on `text`. */
export function applyChanges(text: string, changes: readonly TextChange[]): string {
  let out = text;
  for (const c of [...changes].sort((a, b) => b.from - a.from)) out = out.slice(0, c.from) + c.insert + out.slice(c.to);
  return out;
}

const lineStart = (text: string, pos: number) => text.lastIndexOf('\n', pos - 1) + 1;
const lineEnd = (text: string, pos: number) => {
  const end = text.indexOf('\n', pos);
  return end === -1 ? text.length : end;
};
/** Through the line's newline, when it has one. */
const afterLine = (text: string, pos: number) => Math.min(text.length, lineEnd(text, pos) + 1);
const column = (text: string, pos: number) => pos - lineStart(text, pos);
const spaces = (n: number) => ' '.repeat(n);

/** Where a node's content ends: its range without trailing white space (block collections include their last newline). */
function contentEnd(text: string, node: Node): number {
  const [start, end] = node.range!;
  let e = end;
  while (e > start && /\s/.test(text[e - 1]!)) e--;
  return e;
}

function usable(draft: Draft): void {
  if (draft.doc.errors.length > 0) throw new DocEditError(`the YAML does not parse: ${draft.doc.errors[0]!.message}`);
}

function nodesSeq(draft: Draft): YAMLSeq | undefined {
  const seq = draft.doc.get('nodes', true);
  return isSeq(seq) ? seq : undefined;
}

/** The map of node `id` and its index in `nodes`. */
function findNode(draft: Draft, id: string): { map: YAMLMap; index: number } {
  const items = nodesSeq(draft)?.items ?? [];
  const index = items.findIndex((item) => isMap(item) && item.get('id') === id);
  if (index === -1) throw new DocEditError(`no node ${id}`);
  return { map: items[index] as YAMLMap, index };
}

function pairOf(map: YAMLMap, key: string): Pair<Scalar, Node> | undefined {
  return map.items.find((p) => isScalar(p.key) && p.key.value === key) as Pair<Scalar, Node> | undefined;
}

/** A value written in flow style (inside `[...]` or `{...}`). */
function flowText(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(flowText).join(', ')}]`;
  if (value !== null && typeof value === 'object') return `{ ${Object.entries(value).map(([k, v]) => `${scalarText(k)}: ${flowText(v)}`).join(', ')} }`;
  return scalarText(value);
}

/** A scalar on one line: plain when YAML reads it back the same, else double-quoted (JSON is valid YAML). */
function scalarText(value: unknown): string {
  if (typeof value !== 'string') return value === undefined ? 'null' : JSON.stringify(value);
  const plain = stringify(value, { lineWidth: 0 }).trimEnd();
  return plain.includes('\n') || /[{}[\],]/.test(plain) ? JSON.stringify(value) : plain;
}

/** `key: value` in block style, its continuation lines indented by `indent` more than the key. */
function blockPair(key: string, value: unknown, indent: number): string {
  const text = stringify({ [key]: value }, { lineWidth: 0 }).replace(/\n$/, '');
  return text.split('\n').map((line, i) => (i === 0 || line === '' ? line : spaces(indent) + line)).join('\n');
}

/** Changes that remove a pair from its map, and the comma or line it stood on. */
function removePair(text: string, map: YAMLMap, pair: Pair<Scalar, Node>): TextChange[] {
  const i = map.items.indexOf(pair);
  const keyStart = pair.key.range![0];
  const valueEnd = pair.value ? contentEnd(text, pair.value) : pair.key.range![1];
  if (map.flow) {
    const next = map.items[i + 1] as Pair<Scalar, Node> | undefined;
    const prev = map.items[i - 1] as Pair<Scalar, Node> | undefined;
    if (prev) return [{ from: prev.value ? contentEnd(text, prev.value) : prev.key.range![1], to: valueEnd, insert: '' }];
    if (next) return [{ from: keyStart, to: next.key.range![0], insert: '' }];
    return [{ from: keyStart, to: valueEnd, insert: '' }];
  }
  const start = lineStart(text, keyStart);
  // The first pair of a sequence item shares its line with the dash: the next pair moves up to it.
  if (text.slice(start, keyStart).trim() !== '') {
    const next = map.items[i + 1] as Pair<Scalar, Node> | undefined;
    if (!next) throw new DocEditError('cannot remove the only field of a node');
    return [{ from: keyStart, to: next.key.range![0], insert: '' }];
  }
  return [{ from: start, to: afterLine(text, valueEnd), insert: '' }];
}

/** Changes that add `key: value` at the end of a map (after `after` when given). */
function addPair(text: string, map: YAMLMap, key: string, value: unknown, after?: Pair<Scalar, Node>): TextChange[] {
  const anchor = (after ?? map.items[map.items.length - 1]) as Pair<Scalar, Node> | undefined;
  if (!anchor) throw new DocEditError(`cannot add ${key} to an empty map`);
  const end = anchor.value ? contentEnd(text, anchor.value) : anchor.key.range![1];
  if (map.flow) return [{ from: end, to: end, insert: `, ${scalarText(key)}: ${flowText(value)}` }];
  const indent = column(text, anchor.key.range![0]);
  const at = lineEnd(text, end);
  return [{ from: at, to: at, insert: `\n${spaces(indent)}${blockPair(key, value, indent)}` }];
}

/** Changes that append `value` to a sequence. */
function appendItem(text: string, seq: YAMLSeq, value: unknown): TextChange[] {
  const last = seq.items[seq.items.length - 1] as Node | undefined;
  if (seq.flow) {
    if (!last) {
      const [start, end] = seq.range!;
      return [{ from: start, to: contentEnd(text, seq) === end ? end : contentEnd(text, seq), insert: `[${flowText(value)}]` }];
    }
    const end = contentEnd(text, last);
    return [{ from: end, to: end, insert: `, ${flowText(value)}` }];
  }
  if (!last) throw new DocEditError('cannot append to an empty block sequence');
  const prefix = text.slice(lineStart(text, last.range![0]), last.range![0]);
  const dash = prefix.indexOf('-');
  const lead = dash === -1 ? prefix : `${prefix.slice(0, dash)}-${prefix.slice(dash + 1).replace(/\S/g, ' ')}`;
  const body = isCollection(value) ? stringify(value, { lineWidth: 0 }).replace(/\n$/, '') : scalarText(value);
  const lines = body.split('\n').map((line, i) => (i === 0 ? lead + line : line === '' ? line : spaces(lead.length) + line));
  const at = lineEnd(text, contentEnd(text, last));
  return [{ from: at, to: at, insert: `\n${lines.join('\n')}` }];
}

const isCollection = (v: unknown) => v !== null && typeof v === 'object';

/** Changes that remove item `index` of a sequence (and its comma or line). */
function removeItem(text: string, seq: YAMLSeq, index: number): TextChange[] {
  const item = seq.items[index] as Node;
  if (seq.flow) {
    const prev = seq.items[index - 1] as Node | undefined;
    const next = seq.items[index + 1] as Node | undefined;
    if (prev) return [{ from: contentEnd(text, prev), to: contentEnd(text, item), insert: '' }];
    if (next) return [{ from: item.range![0], to: next.range![0], insert: '' }];
    return [{ from: item.range![0], to: contentEnd(text, item), insert: '' }];
  }
  return [{ from: lineStart(text, item.range![0]), to: afterLine(text, contentEnd(text, item)), insert: '' }];
}

/** The text that replaces scalar `s` by `value`, keeping its quotes. */
function replaceScalar(s: Scalar, value: string): TextChange {
  const [start, end] = s.range!;
  if (s.type === 'QUOTE_DOUBLE' || s.type === 'QUOTE_SINGLE') return { from: start + 1, to: end - 1, insert: value };
  return { from: start, to: end, insert: NOT_A_STRING.test(value) ? `'${value}'` : value };
}

/** A node to add: its id and type, and any other settings. */
export type NewNode = { id: string; type: string } & Record<string, unknown>;

/** Adds a node at the end of `nodes` (creating `nodes` when there is none). */
export function addNode(draft: Draft, node: NewNode): TextChange[] {
  usable(draft);
  if (!NODE_ID.test(node.id)) throw new DocEditError(`${node.id} is not a node id`);
  if (nodeIds(draft).includes(node.id)) throw new DocEditError(`a node ${node.id} exists already`);
  const seq = nodesSeq(draft);
  if (seq && (seq.flow || seq.items.length > 0)) return appendItem(draft.text, seq, node);
  const root = draft.doc.contents;
  const block = `nodes:\n  - ${stringify(node, { lineWidth: 0 }).replace(/\n$/, '').split('\n').join('\n    ')}`;
  const pair = isMap(root) ? pairOf(root, 'nodes') : undefined;
  if (isMap(root) && pair) {
    const from = lineStart(draft.text, pair.key.range![0]);
    return [{ from, to: pair.value ? afterLine(draft.text, contentEnd(draft.text, pair.value)) : afterLine(draft.text, pair.key.range![1]), insert: `${block}\n` }];
  }
  const text = draft.text;
  const sep = text === '' || text.endsWith('\n') ? '' : '\n';
  return [{ from: text.length, to: text.length, insert: `${sep}${block}\n` }];
}

/** Removes a node and every `needs` entry that names it (templates naming it stay, for the validator to point at). */
export function removeNode(draft: Draft, id: string): TextChange[] {
  usable(draft);
  const { index } = findNode(draft, id);
  const changes = removeItem(draft.text, nodesSeq(draft)!, index);
  for (const other of nodeIds(draft)) if (other !== id && needsOf(draft, other).includes(id)) changes.push(...disconnect(draft, id, other));
  return changes;
}

/** The explicit `needs` of a node. */
export function needsOf(draft: Draft, id: string): string[] {
  const needs = findNode(draft, id).map.get('needs');
  return isSeq(needs) ? needs.items.map((s) => (isScalar(s) ? String(s.value) : '')) : [];
}

/** The ids of `nodes`, in order. */
export function nodeIds(draft: Draft): string[] {
  return (nodesSeq(draft)?.items ?? []).flatMap((item) => (isMap(item) && typeof item.get('id') === 'string' ? [item.get('id') as string] : []));
}

/** Makes `to` need `from` (adds to its `needs`, creating it after `type` or `id`). */
export function connect(draft: Draft, from: string, to: string): TextChange[] {
  usable(draft);
  if (from === to) throw new DocEditError('a node cannot need itself');
  findNode(draft, from);
  const { map } = findNode(draft, to);
  const needs = pairOf(map, 'needs');
  if (needs && isSeq(needs.value)) {
    if (needs.value.items.some((s) => isScalar(s) && s.value === from)) return [];
    return appendItem(draft.text, needs.value, from);
  }
  if (needs) return [{ from: needs.value ? needs.value.range![0] : needs.key.range![1], to: needs.value ? contentEnd(draft.text, needs.value) : needs.key.range![1], insert: needs.value ? `[${from}]` : ` [${from}]` }];
  const after = pairOf(map, 'type') ?? pairOf(map, 'id');
  if (map.flow || !after) return addPair(draft.text, map, 'needs', [from], after);
  const indent = column(draft.text, after.key.range![0]);
  const at = lineEnd(draft.text, contentEnd(draft.text, after.value ?? after.key));
  return [{ from: at, to: at, insert: `\n${spaces(indent)}needs: [${from}]` }];
}

/** Removes `from` from the `needs` of `to` (the whole `needs` when it was the last). */
export function disconnect(draft: Draft, from: string, to: string): TextChange[] {
  usable(draft);
  const { map } = findNode(draft, to);
  const needs = pairOf(map, 'needs');
  if (!needs || !isSeq(needs.value)) return [];
  const seq = needs.value;
  const index = seq.items.findIndex((s) => isScalar(s) && s.value === from);
  if (index === -1) return [];
  return seq.items.length === 1 ? removePair(draft.text, map, needs) : removeItem(draft.text, seq, index);
}

/** `nodes.<id>` as a reference in a template or expression (not `xnodes.id`, not `nodes.idx`). */
const referenceTo = (id: string) => new RegExp(`(?<![\\w$.])nodes\\.${id}(?!\\w)`, 'g');

/** Renames a node: its id, and every reference to it (invariant 4). */
export function renameNode(draft: Draft, from: string, to: string): TextChange[] {
  usable(draft);
  if (from === to) return [];
  if (!NODE_ID.test(to)) throw new DocEditError(`${to} is not a node id (must match ${NODE_ID.source})`);
  if (nodeIds(draft).includes(to)) throw new DocEditError(`a node ${to} exists already`);
  const { map } = findNode(draft, from);
  const changes = new Map<number, TextChange>();
  const put = (c: TextChange) => changes.set(c.from, c);
  put(replaceScalar(pairOf(map, 'id')!.value as Scalar, to));
  const pattern = referenceTo(from);
  visit(draft.doc, {
    Pair(_key, pair) {
      const key = isScalar(pair.key) ? pair.key.value : undefined;
      // Lists of node ids: needs, and a switch's cases and default.
      const lists = key === 'needs' || key === 'default' ? [pair.value] : key === 'cases' && isMap(pair.value) ? pair.value.items.map((p) => p.value) : [];
      for (const list of lists) if (isSeq(list)) for (const s of list.items) if (isScalar(s) && s.value === from && s.range) put(replaceScalar(s, to));
    },
    Scalar(_key, s) {
      if (typeof s.value !== 'string' || !s.range || !s.value.includes(`nodes.${from}`)) return;
      const source = draft.text.slice(s.range[0], s.range[1]);
      for (const m of source.matchAll(pattern)) {
        const at = s.range[0] + m.index + 'nodes.'.length;
        put({ from: at, to: at + from.length, insert: to });
      }
    },
  });
  return [...changes.values()];
}

/** A path inside a node's map, e.g. `['agent', 'prompt']`. */
export type FieldPath = readonly string[];

/**
 * Sets a field of a node (a form edit): replaces the value of an existing
 * pair, or adds the pair (with the maps it needs) at the end of the deepest
 * map of the path that exists. `undefined` removes the field.
 */
export function setNodeField(draft: Draft, id: string, path: FieldPath, value: unknown): TextChange[] {
  usable(draft);
  if (path.length === 0) throw new DocEditError('no field');
  if (path[0] === 'id') {
    if (typeof value !== 'string') throw new DocEditError('an id is a string');
    return renameNode(draft, id, value);
  }
  let map = findNode(draft, id).map;
  const parents: { map: YAMLMap; pair: Pair<Scalar, Node> }[] = [];
  for (let i = 0; i < path.length; i++) {
    const key = path[i]!;
    const pair = pairOf(map, key);
    const last = i === path.length - 1;
    if (!pair) {
      if (value === undefined) return [];
      const nested = path.slice(i + 1).reduceRight<unknown>((v, k) => ({ [k]: v }), value);
      return addPair(draft.text, map, key, nested);
    }
    if (last) {
      if (value === undefined) {
        // Removing the only field of a nested map removes the map.
        let at = { map, pair };
        while (at.map.items.length === 1 && parents.length > 0) at = parents.pop()!;
        return removePair(draft.text, at.map, at.pair);
      }
      return replaceValue(draft.text, map, pair, value);
    }
    if (!isMap(pair.value)) return replaceValue(draft.text, map, pair, path.slice(i + 1).reduceRight<unknown>((v, k) => ({ [k]: v }), value));
    parents.push({ map, pair });
    map = pair.value;
  }
  return [];
}

/** Replaces the value of a pair: a scalar in place (keeping its quotes when it stays on one line), anything else as the whole pair. */
function replaceValue(text: string, map: YAMLMap, pair: Pair<Scalar, Node>, value: unknown): TextChange[] {
  const old = pair.value;
  const inline = !isCollection(value) && !(typeof value === 'string' && value.includes('\n'));
  if (old && isScalar(old) && inline) {
    if (old.value === value) return [];
    if (typeof value === 'string' && (old.type === 'QUOTE_DOUBLE' || old.type === 'QUOTE_SINGLE')) {
      const quoted = old.type === 'QUOTE_DOUBLE' ? JSON.stringify(value) : `'${value.replace(/'/g, "''")}'`;
      return [{ from: old.range![0], to: old.range![1], insert: quoted }];
    }
    return [{ from: old.range![0], to: old.range![1], insert: scalarText(value) }];
  }
  const keyStart = pair.key.range![0];
  const end = old ? contentEnd(text, old) : pair.key.range![1];
  if (map.flow || (old && isCollection(old) && (old as YAMLMap | YAMLSeq).flow && isCollection(value))) {
    const from = old ? old.range![0] : end;
    return [{ from, to: end, insert: (old ? '' : ' ') + flowText(value) }];
  }
  return [{ from: keyStart, to: end, insert: blockPair(String(pair.key.value), value, column(text, keyStart)) }];
}

/** A node of the graph as the text declares it. */
export interface DraftNode {
  id: string;
  type: string;
  /** Its explicit `needs`. */
  needs: string[];
  /** Other nodes its templates and expressions read (`nodes.<id>`): edges too, as the server compiles them. */
  reads: string[];
}

/** Adds the nodes a template or expression reads (`nodes.<id>`) to `into`. */
export function addReads(value: string, into: Set<string>): void {
  for (const m of value.matchAll(/(?<![\w$.])nodes\.([A-Za-z_]\w*)/g)) into.add(m[1]!);
}

/** The graph the text declares (what parses of it): nodes with their types, needs and reads. */
export function graphOf(draft: Draft): DraftNode[] {
  const seq = nodesSeq(draft);
  if (!seq) return [];
  const out: DraftNode[] = [];
  for (const item of seq.items) {
    if (!isMap(item)) continue;
    const id = item.get('id');
    if (typeof id !== 'string' || id === '') continue;
    const type = item.get('type');
    const needs = item.get('needs');
    const reads = new Set<string>();
    visit(item, {
      Scalar(_k, s) {
        if (typeof s.value === 'string') addReads(s.value, reads);
      },
    });
    reads.delete(id);
    out.push({ id, type: typeof type === 'string' ? type : '?', needs: isSeq(needs) ? needs.items.flatMap((s) => (isScalar(s) && typeof s.value === 'string' ? [s.value] : [])) : [], reads: [...reads] });
  }
  return out;
}

/** Every string in a JSON value, through arrays and objects. */
function addStringReads(value: unknown, into: Set<string>): void {
  if (typeof value === 'string') addReads(value, into);
  else if (Array.isArray(value)) for (const v of value) addStringReads(v, into);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) addStringReads(v, into);
}

/**
 * The graph of a stored definition (the API's JSON) as `graphOf` reads it from
 * its text: the studio draws a saved version at once, before any parse of its text.
 */
export function graphOfDefinition(definition: unknown): DraftNode[] {
  const nodes = (definition as { nodes?: unknown } | null)?.nodes;
  if (!Array.isArray(nodes)) return [];
  return nodes.flatMap((n: { id?: unknown; type?: unknown; needs?: unknown }) => {
    if (typeof n?.id !== 'string' || n.id === '') return [];
    const reads = new Set<string>();
    addStringReads(n, reads);
    reads.delete(n.id);
    const needs = Array.isArray(n.needs) ? n.needs.filter((x): x is string => typeof x === 'string') : [];
    return [{ id: n.id, type: typeof n.type === 'string' ? n.type : '?', needs, reads: [...reads] }];
  });
}

/** JSON pointer → path of keys and indexes. */
export function pointerPath(pointer: string): (string | number)[] {
  if (pointer === '' || pointer === '/') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/**
 * The text range of a JSON pointer (`getIn(path, true).range`), or of its
 * nearest ancestor that exists (a missing field marks the map that lacks it).
 */
export function pointerRange(draft: Draft, pointer: string): { from: number; to: number } {
  const path = pointerPath(pointer);
  for (let n = path.length; n >= 0; n--) {
    const at = n === 0 ? draft.doc.contents : draft.doc.getIn(path.slice(0, n), true);
    if (at && typeof at === 'object' && 'range' in at && (at as Node).range) {
      const node = at as Node;
      // A pair's key names the problem better than a whole nested map.
      if (n === path.length && n > 0) {
        const parent = n === 1 ? draft.doc.contents : draft.doc.getIn(path.slice(0, n - 1), true);
        if (isMap(parent) && (isMap(node) || isSeq(node)) && !node.flow) {
          const pair = parent.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === path[n - 1]);
          if (pair && isScalar(pair.key)) return { from: pair.key.range![0], to: pair.key.range![1] };
        }
      }
      return { from: node.range![0], to: Math.max(node.range![0] + 1, contentEnd(draft.text, node)) };
    }
  }
  return { from: 0, to: Math.min(1, draft.text.length) };
}

/** The node a pointer falls in (`/nodes/<i>/…`), by id. */
export function nodeAtPointer(draft: Draft, pointer: string): string | undefined {
  const [first, index] = pointerPath(pointer);
  if (first !== 'nodes' || typeof index !== 'number') return undefined;
  const item = nodesSeq(draft)?.items[index];
  const id = isMap(item) ? item.get('id') : undefined;
  return typeof id === 'string' ? id : undefined;
}
