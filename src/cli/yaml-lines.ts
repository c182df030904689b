import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';

/** Where a JSON pointer points in a YAML (or JSON) text: its 1-based line and that line's text. */
export interface SourceLine {
  line: number;
  text: string;
}

/**
 * Finds the line of the field at `pointer` (`/nodes/2/agent/prompt`): the line
 * of its key in a mapping, of its item in a sequence. When the field is
 * missing (an absent required field), the nearest existing parent answers:
 * that is where the user has to add it.
 */
export function lineOfPointer(source: string, pointer: string): SourceLine | null {
  const counter = new LineCounter();
  const doc = parseDocument(source, { lineCounter: counter });
  const path = pointerSegments(pointer);
  for (let depth = path.length; depth >= 0; depth -= 1) {
    const offset = offsetOf(doc, path.slice(0, depth));
    if (offset === null) continue;
    const { line } = counter.linePos(offset);
    return { line, text: source.split('\n')[line - 1] ?? '' };
  }
  return null;
}

function pointerSegments(pointer: string): (string | number)[] {
  return pointer
    .split('/')
    .slice(1)
    .filter((s) => s !== '')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** The source offset of the key (or item) at `path`, null when there is none. */
function offsetOf(doc: Document, path: (string | number)[]): number | null {
  if (path.length === 0) return isNode(doc.contents) && doc.contents.range ? doc.contents.range[0] : null;
  const parent: unknown = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  const last = path[path.length - 1];
  if (isMap(parent)) {
    const pair = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === String(last));
    return isNode(pair?.key) && pair.key.range ? pair.key.range[0] : null;
  }
  if (isSeq(parent) && typeof last === 'number') {
    const item = parent.items[last];
    return isNode(item) && item.range ? item.range[0] : null;
  }
  return null;
}
