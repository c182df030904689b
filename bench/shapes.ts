import type { Definition } from '../src/dag/schema.js';

/** One DAG shape, as a Weft definition and as the hand-written workflow that does the same. */
export interface Shape {
  name: string;
  /** Weft ÷ hand-written targets (issue 13): p50 at most, runs/s at least, CPU per run at most. */
  targets: { p50: number; runsPerSecond: number; cpu?: number };
  nodes: number;
  definition: Definition;
  handwritten: { type: string; args: unknown[] };
}

const agent = (id: string, prompt: string, needs?: string[], extra: { execution?: 'local'; timeout?: string } = {}) => ({
  id,
  type: 'agent' as const,
  ...(needs ? { needs } : {}),
  agent: { provider: 'offline', prompt, mock: { text: prompt } },
  ...extra,
});

/** A chain of `n` agent nodes, each passing the previous one's text on. */
const chainOf = (n: number, extra?: { execution: 'local'; timeout: string }) =>
  Array.from({ length: n }, (_, i) => agent(`n${i}`, i === 0 ? 'start' : `{{ nodes.n${i - 1}.output.text }}`, i === 0 ? undefined : [`n${i - 1}`], extra));

const AT_THE_LIMIT = { p50: 1.1, runsPerSecond: 0.9, cpu: 1.25 };

const def = (name: string, nodes: ReturnType<typeof agent>[]): Definition => ({ apiVersion: 'weft/v1', name, limits: { maxParallel: 100 }, nodes }) as Definition;

export function shapes(): Shape[] {
  const fan = [agent('root', 'go'), ...Array.from({ length: 50 }, (_, i) => agent(`w${i}`, '{{ nodes.root.output.text }}', ['root']))];
  const diamond = [
    agent('root', 'go'),
    ...[0, 1, 2, 3].map((i) => agent(`a${i}`, '{{ nodes.root.output.text }}', ['root'])),
    ...[0, 1, 2, 3].map((i) => agent(`b${i}`, `{{ nodes.a${i}.output.text }}`, [`a${i}`])),
    agent('join', '{{ $join([nodes.b0.output.text, nodes.b1.output.text, nodes.b2.output.text, nodes.b3.output.text], ",") }}', ['b0', 'b1', 'b2', 'b3']),
  ];
  return [
    { name: '10-step chain', nodes: 10, targets: AT_THE_LIMIT, definition: def('bench-chain-10', chainOf(10)), handwritten: { type: 'handChain', args: [10] } },
    {
      name: '10-step chain, `execution: local` vs local activities',
      nodes: 10,
      targets: { p50: 1.25, runsPerSecond: 0.8 },
      definition: def('bench-local-chain-10', chainOf(10, { execution: 'local', timeout: '1m' })),
      handwritten: { type: 'handLocalChain', args: [10] },
    },
    { name: 'chain of 50', nodes: 50, targets: AT_THE_LIMIT, definition: def('bench-chain', chainOf(50)), handwritten: { type: 'handChain', args: [50] } },
    { name: 'fan-out of 50', nodes: 51, targets: AT_THE_LIMIT, definition: def('bench-fan-out', fan), handwritten: { type: 'handFanOut', args: [50] } },
    { name: '10-node diamond', nodes: 10, targets: AT_THE_LIMIT, definition: def('bench-diamond', diamond), handwritten: { type: 'handDiamond', args: [] } },
  ];
}
