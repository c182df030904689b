import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { addNode, applyChanges, connect, DocEditError, disconnect, graphOf, nodeAtPointer, pointerRange, readDraft, removeNode, renameNode, setNodeField, type TextChange } from '../../web/src/studio/doc-edit.js';
import { lineDiff } from '../../web/src/workflows/line-diff.js';

/**
 * The studio's document edits (web/src/studio/doc-edit.ts) on real YAML with
 * comments, anchors, flow and block styles and block scalars: each graph
 * operation is checked by the text diff of before and after, which must show
 * only what the operation is about (invariant 1), and by what the text reads as.
 */
const SOURCE = `# A research pipeline, hand-written.
apiVersion: weft/v1
name: research   # stays lower-case
description: >
  Folded text that
  spans two lines.
defaults: &defaults
  retry: {maxAttempts: 2}
nodes:
  # Fetch the sources first.
  - id: fetch
    type: http
    request:
      url: "https://example.test/{{ input.topic }}"
  - id: summarize   # the expensive one
    type: agent
    needs: [fetch]
    agent:
      provider: offline
      prompt: |
        Summarize {{ nodes.fetch.output.body }}
        in {{ input.words }} words.
      mock: {text: 'ok'}

  - id: review
    type: transform
    needs:
      - summarize
      - fetch
    output:
      text: '{{ nodes.summarize.output }}'
      check: nodes.fetch.output.status = 200
      fetched: "{{ nodes.fetch.output }}"
  - {id: publish, type: transform, needs: [review], output: "{{ nodes.review.output.text }}"}
outputs:
  summary: "{{ nodes.summarize.output }}" # the result
`;

function run(op: (d: ReturnType<typeof readDraft>) => TextChange[], text = SOURCE) {
  const after = applyChanges(text, op(readDraft(text)));
  const diff = lineDiff(text, after).filter((l) => l.kind !== 'same');
  return { after, removed: diff.filter((l) => l.kind === 'del').map((l) => l.text), added: diff.filter((l) => l.kind === 'add').map((l) => l.text), doc: parse(after) as { nodes: Record<string, unknown>[]; outputs: unknown } };
}
const node = (doc: { nodes: Record<string, unknown>[] }, id: string) => doc.nodes.find((n) => n.id === id)!;

describe('connect and disconnect', () => {
  it('adds to a flow needs in place', () => {
    const r = run((d) => connect(d, 'fetch', 'publish'));
    expect(r.removed).toEqual(['  - {id: publish, type: transform, needs: [review], output: "{{ nodes.review.output.text }}"}']);
    expect(r.added).toEqual(['  - {id: publish, type: transform, needs: [review, fetch], output: "{{ nodes.review.output.text }}"}']);
  });
  it('adds a line to a block needs, at its indentation', () => {
    const text = SOURCE.replace('      - fetch\n', '');
    const r = run((d) => connect(d, 'fetch', 'review'), text);
    expect(r.removed).toEqual([]);
    expect(r.added).toEqual(['      - fetch']);
    expect(node(r.doc, 'review').needs).toEqual(['summarize', 'fetch']);
  });
  it('creates needs after type, with the keys indentation, when a node has none', () => {
    const r = run((d) => connect(d, 'fetch', 'summarize'), SOURCE.replace('    needs: [fetch]\n', ''));
    expect(r.removed).toEqual([]);
    expect(r.added).toEqual(['    needs: [fetch]']);
    expect(Object.keys(node(r.doc, 'summarize'))).toEqual(['id', 'type', 'needs', 'agent']);
  });
  it('is no change when already connected, and refuses a self edge and unknown nodes', () => {
    expect(connect(readDraft(SOURCE), 'fetch', 'summarize')).toEqual([]);
    expect(() => connect(readDraft(SOURCE), 'fetch', 'fetch')).toThrow(DocEditError);
    expect(() => connect(readDraft(SOURCE), 'nope', 'fetch')).toThrow(DocEditError);
  });
  it('removes one line of a block needs, one entry of a flow needs, and the whole needs with its last entry', () => {
    const block = run((d) => disconnect(d, 'fetch', 'review'));
    expect(block.removed).toEqual(['      - fetch']);
    expect(block.added).toEqual([]);
    const last = run((d) => disconnect(d, 'fetch', 'summarize'));
    expect(last.removed).toEqual(['    needs: [fetch]']);
    expect(last.added).toEqual([]);
    const flow = run((d) => disconnect(d, 'review', 'publish'), SOURCE.replace('needs: [review]', 'needs: [fetch, review]'));
    expect(node(flow.doc, 'publish').needs).toEqual(['fetch']);
    expect(flow.added).toEqual(['  - {id: publish, type: transform, needs: [fetch], output: "{{ nodes.review.output.text }}"}']);
    expect(disconnect(readDraft(SOURCE), 'publish', 'fetch')).toEqual([]);
  });
});

describe('add and remove nodes', () => {
  it('appends a block node after the last one, in the style of the list, leaving the rest byte for byte', () => {
    const r = run((d) => addNode(d, { id: 'notify', type: 'http', needs: ['publish'], request: { url: 'https://hooks.test/x' } }));
    expect(r.removed).toEqual([]);
    expect(r.added).toEqual(['  - id: notify', '    type: http', '    needs:', '      - publish', '    request:', '      url: https://hooks.test/x']);
    expect(node(r.doc, 'notify').needs).toEqual(['publish']);
  });
  it('appends to a flow list in flow style', () => {
    const r = run((d) => addNode(d, { id: 'b', type: 'transform', output: 'x, y' }), 'apiVersion: weft/v1\nname: x\nnodes: [{id: a, type: transform, output: 1}] # inline\n');
    expect(r.after).toBe('apiVersion: weft/v1\nname: x\nnodes: [{id: a, type: transform, output: 1}, { id: b, type: transform, output: "x, y" }] # inline\n');
    expect(r.doc.nodes.map((n) => n.id)).toEqual(['a', 'b']);
  });
  it('creates nodes in a document without them', () => {
    const r = run((d) => addNode(d, { id: 'a', type: 'transform', output: 1 }), 'apiVersion: weft/v1\nname: x # keep\n');
    expect(r.after).toBe('apiVersion: weft/v1\nname: x # keep\nnodes:\n  - id: a\n    type: transform\n    output: 1\n');
  });
  it('refuses a taken or malformed id', () => {
    expect(() => addNode(readDraft(SOURCE), { id: 'fetch', type: 'http' })).toThrow(/exists/);
    expect(() => addNode(readDraft(SOURCE), { id: '1x', type: 'http' })).toThrow(/not a node id/);
  });
  it('removes a node with the needs entries that name it, and nothing else', () => {
    const r = run((d) => removeNode(d, 'fetch'));
    expect(r.removed).toEqual(['  - id: fetch', '    type: http', '    request:', '      url: "https://example.test/{{ input.topic }}"', '    needs: [fetch]', '      - fetch']);
    expect(r.added).toEqual([]);
    expect(r.after).toContain('  # Fetch the sources first.\n  - id: summarize   # the expensive one');
  });
  it('removes a flow node', () => {
    const r = run((d) => removeNode(d, 'publish'));
    expect(r.removed).toEqual(['  - {id: publish, type: transform, needs: [review], output: "{{ nodes.review.output.text }}"}']);
    expect(r.added).toEqual([]);
  });
});

describe('rename', () => {
  it('follows needs, templates, expressions and outputs, keeping quotes, block scalars and comments', () => {
    const r = run((d) => renameNode(d, 'fetch', 'download'));
    expect(r.removed).toEqual([
      '  - id: fetch',
      '    needs: [fetch]',
      '        Summarize {{ nodes.fetch.output.body }}',
      '      - fetch',
      '      check: nodes.fetch.output.status = 200',
      '      fetched: "{{ nodes.fetch.output }}"',
    ]);
    expect(r.added).toEqual([
      '  - id: download',
      '    needs: [download]',
      '        Summarize {{ nodes.download.output.body }}',
      '      - download',
      '      check: nodes.download.output.status = 200',
      '      fetched: "{{ nodes.download.output }}"',
    ]);
    expect(r.after).not.toMatch(/\bfetch\b(?! the sources)/i);
  });
  it('renames a node of flow style and its references in outputs', () => {
    const r = run((d) => renameNode(d, 'summarize', 'digest'));
    expect(r.added).toContain('  - id: digest   # the expensive one');
    expect(r.added).toContain('  summary: "{{ nodes.digest.output }}" # the result');
    expect((r.doc.outputs as { summary: string }).summary).toBe('{{ nodes.digest.output }}');
  });
  it('leaves longer ids and other roots alone', () => {
    const text = SOURCE.replace("text: '{{ nodes.summarize.output }}'", "text: '{{ nodes.fetcher.x }} {{ mynodes.fetch }} {{ nodes.fetch }}'");
    const r = run((d) => renameNode(d, 'fetch', 'get'), text);
    expect(r.after).toContain("text: '{{ nodes.fetcher.x }} {{ mynodes.fetch }} {{ nodes.get }}'");
  });
  it('follows switch cases and default, and quotes an id YAML would read as a boolean', () => {
    const text = 'apiVersion: weft/v1\nname: s\nnodes:\n  - id: a\n    type: transform\n    output: 1\n  - id: pick\n    type: switch\n    value: "x"\n    cases:\n      x: [a]\n    default:\n      - a\n';
    const r = run((d) => renameNode(d, 'a', 'yes'), text);
    expect(r.doc.nodes.map((n) => n.id)).toEqual(['yes', 'pick']);
    expect(node(r.doc, 'pick')).toMatchObject({ cases: { x: ['yes'] }, default: ['yes'] });
  });
  it('refuses a taken id', () => {
    expect(() => renameNode(readDraft(SOURCE), 'fetch', 'review')).toThrow(DocEditError);
  });
});

describe('form edits', () => {
  it('replaces a scalar in place, keeping its quotes', () => {
    const r = run((d) => setNodeField(d, 'fetch', ['request', 'url'], 'https://other.test/'));
    expect(r.removed).toEqual(['      url: "https://example.test/{{ input.topic }}"']);
    expect(r.added).toEqual(['      url: "https://other.test/"']);
  });
  it('rewrites a block scalar as a block scalar and nothing around it', () => {
    const r = run((d) => setNodeField(d, 'summarize', ['agent', 'prompt'], 'Say hi\nand bye\n'));
    expect(r.removed).toEqual(['        Summarize {{ nodes.fetch.output.body }}', '        in {{ input.words }} words.']);
    expect(r.added).toEqual(['        Say hi', '        and bye']);
    expect((node(r.doc, 'summarize').agent as { prompt: string }).prompt).toBe('Say hi\nand bye\n');
  });
  it('adds a missing field at the end of the deepest existing map, and nested maps it needs', () => {
    const r = run((d) => setNodeField(d, 'summarize', ['agent', 'temperature'], 0.2));
    expect(r.added).toEqual(['      temperature: 0.2']);
    expect(r.removed).toEqual([]);
    const retry = run((d) => setNodeField(d, 'fetch', ['retry', 'maxAttempts'], 3));
    expect(retry.added).toEqual(['    retry:', '      maxAttempts: 3']);
  });
  it('edits a flow map in flow style', () => {
    const r = run((d) => setNodeField(d, 'summarize', ['agent', 'mock', 'text'], 'fine'));
    expect(r.added).toEqual(["      mock: {text: 'fine'}"]);
    const added = run((d) => setNodeField(d, 'publish', ['timeout'], '5m'));
    expect(added.added).toEqual(['  - {id: publish, type: transform, needs: [review], output: "{{ nodes.review.output.text }}", timeout: 5m}']);
  });
  it('removes a field, and a nested map left empty with it', () => {
    const r = run((d) => setNodeField(d, 'fetch', ['request', 'url'], undefined));
    expect(r.removed).toEqual(['    request:', '      url: "https://example.test/{{ input.topic }}"']);
    expect(r.added).toEqual([]);
  });
  it('keeps anchors and aliases it does not touch', () => {
    const text = SOURCE.replace('    type: http\n', '    type: http\n    retry: *defaults\n');
    const r = run((d) => connect(d, 'review', 'publish'), text);
    expect(r.after).toContain('retry: *defaults');
    expect(r.after).toContain('defaults: &defaults');
  });
});

describe('reading', () => {
  it('draws the graph with types, needs and template reads', () => {
    expect(graphOf(readDraft(SOURCE))).toEqual([
      { id: 'fetch', type: 'http', needs: [], reads: [] },
      { id: 'summarize', type: 'agent', needs: ['fetch'], reads: ['fetch'] },
      { id: 'review', type: 'transform', needs: ['summarize', 'fetch'], reads: ['summarize', 'fetch'] },
      { id: 'publish', type: 'transform', needs: ['review'], reads: ['review'] },
    ]);
  });
  it('resolves a pointer to its text range, a missing field to the map that lacks it, and finds its node', () => {
    const d = readDraft(SOURCE);
    const url = pointerRange(d, '/nodes/0/request/url');
    expect(SOURCE.slice(url.from, url.to)).toBe('"https://example.test/{{ input.topic }}"');
    const agent = pointerRange(d, '/nodes/1/agent');
    expect(SOURCE.slice(agent.from, agent.to)).toBe('agent');
    const missing = pointerRange(d, '/nodes/3/timeout');
    expect(SOURCE.slice(missing.from, missing.to)).toMatch(/^\{id: publish/);
    expect(nodeAtPointer(d, '/nodes/2/output/text')).toBe('review');
    expect(nodeAtPointer(d, '/outputs')).toBeUndefined();
  });
  it('refuses to edit a text that does not parse', () => {
    expect(() => connect(readDraft('nodes: [a\n'), 'a', 'b')).toThrow(/does not parse/);
  });
});
