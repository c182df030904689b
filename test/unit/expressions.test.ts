import { describe, expect, it } from 'vitest';
import { ExpressionError, evaluateExpression, isTruthy, parseTemplate, resolveTemplates } from '../../src/dag/expressions.js';
import { referencedNames } from '../../src/dag/references.js';

const scope = {
  input: { topic: 'weft', n: 3 },
  nodes: { src: { output: { json: { files: ['a.ts', 'b.ts'], n: 2 } }, status: 'succeeded' }, each: { output: [{ text: 'x' }, { text: 'y' }] } },
};

describe('templates', () => {
  it('keeps the type of a lone template and stringifies mixed text', () => {
    expect(
      resolveTemplates(
        {
          files: '{{ nodes.src.output.json.files }}',
          n: '{{ nodes.src.output.json.n }}',
          text: 'files={{ nodes.src.output.json.files }} n={{ nodes.src.output.json.n }}',
          obj: '{{ nodes.src.output.json }}',
          plain: 'no template',
          nested: ['{{ input.topic }}', { deep: '{{ input.n + 1 }}' }],
          missing: 'x{{ nodes.nope.output }}y',
        },
        scope,
      ),
    ).toEqual({
      files: ['a.ts', 'b.ts'],
      n: 2,
      text: 'files=["a.ts","b.ts"] n=2',
      obj: { files: ['a.ts', 'b.ts'], n: 2 },
      plain: 'no template',
      nested: ['weft', { deep: 4 }],
      missing: 'xy',
    });
  });

  it('balances braces and quotes inside a template', () => {
    expect(parseTemplate('a {{ {"k": {"v": 1}} }} b')).toEqual([
      { kind: 'text', text: 'a ' },
      { kind: 'expr', source: '{"k": {"v": 1}}', offset: 2 },
      { kind: 'text', text: ' b' },
    ]);
    expect(parseTemplate("{{ '}}' & 'x' }}")).toEqual([{ kind: 'expr', source: "'}}' & 'x'", offset: 0 }]);
    expect(parseTemplate('no templates here')).toBeNull();
  });

  it('refuses an unterminated template', () => {
    expect(() => parseTemplate('{{ input.x')).toThrow(ExpressionError);
  });

  it('maps paths over arrays, as map outputs need', () => {
    expect(evaluateExpression("$join(nodes.each.output.text, ' ')", scope)).toBe('x y');
  });
});

describe('plain paths', () => {
  // A parenthesised path is not plain: it always goes through JSONata, the reference.
  const odd = {
    ...scope,
    deep: { a: { b: { c: 1, u: undefined, arr: [1, [2]] } }, one: [{ v: 1 }], nil: null, zero: 0, empty: '', t: true },
    proto: Object.create({ inherited: 1 }) as object,
  };
  it.each([
    'nodes.src.output.json.n',
    'nodes.src.output.json',
    'nodes.src.output.json.files',
    'nodes.each.output.text',
    'nodes.nope.output',
    'input',
    'input.topic.length',
    'deep.a.b',
    'deep.a.b.arr',
    'deep.one.v',
    'deep.nil',
    'deep.nil.x',
    'deep.zero',
    'deep.empty',
    'deep.t',
    'proto.inherited',
    'true',
    'null',
    'deep.and',
  ])('%s reads what JSONata reads', (path) => {
    expect(evaluateExpression(path, odd)).toEqual(evaluateExpression(`(${path})`, odd));
  });

  it('keeps the bounds\' verdict', () => {
    expect(() => evaluateExpression('input.topic', scope, { maxSteps: 1, maxDepth: 200, maxArrayLength: 10 })).toThrow(/steps/);
  });
});

describe('bounds', () => {
  it('stops runaway recursion, long loops and huge arrays with an ExpressionError', () => {
    expect(() => evaluateExpression('($f := function($n){ $f($n + 1) }; $f(0))', {})).toThrow(/steps|deeper/);
    expect(() => evaluateExpression('$count([1..1000000].($ * 2))', {})).toThrow(/array longer|steps/);
    expect(() => evaluateExpression('($f := function($n){ $n = 0 ? 0 : 1 + $f($n - 1) }; $f(5000))', {}, { maxSteps: 1e9, maxDepth: 100, maxArrayLength: 10 })).toThrow(/deeper than 100/);
  });

  it('gives the same verdict on every evaluation (deterministic, no clock)', () => {
    const run = () => {
      try {
        evaluateExpression('$sum([1..50000])', {}, { maxSteps: 40, maxDepth: 50, maxArrayLength: 100_000 });
        return 'ok';
      } catch (err) {
        return (err as Error).message;
      }
    };
    expect(new Set([run(), run(), run()]).size).toBe(1);
  });

  it('reports syntax errors with their position', () => {
    try {
      evaluateExpression('nodes.(', {});
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ExpressionError);
      expect((err as ExpressionError).position).toBeTypeOf('number');
    }
  });
});

describe('references and truthiness', () => {
  it('finds the node ids an expression reads', () => {
    expect([...referencedNames('nodes.a.output.text & $string(nodes.b.status) & input.x', 'nodes')].sort()).toEqual(['a', 'b']);
    expect([...referencedNames('secrets.TOKEN & nodes.a', 'secrets')]).toEqual(['TOKEN']);
  });

  it('follows JSONata $boolean', () => {
    expect([null, undefined, false, 0, '', [], {}, [0, false]].map(isTruthy)).toEqual(Array(8).fill(false));
    expect([true, 1, 'x', [0, 1], { a: 1 }].map(isTruthy)).toEqual(Array(5).fill(true));
  });
});
