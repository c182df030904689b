import type { Definition } from '../src/dag/schema.js';

/** One DAG shape, as a Weft definition and as the hand-written workflow that does the same. */
export interface Shape {
  name: string;
  nodes: number;
  definition: Definition;
  handwritten: { type: string; args: unknown[] };
}

const agent = (id: string, prompt: string, needs?: string[]) => ({
  id,
  type: 'agent' as const,
  ...(needs ? { needs } : {}),
  agent: { provider: 'offline', prompt, mock: { text: prompt } },
});

const def = (name: string, nodes: ReturnType<typeof agent>[]): Definition => ({ apiVersion: 'weft/v1', name, limits: { maxParallel: 100 }, nodes }) as Definition;

export function shapes(): Shape[] {
  const chain = Array.from({ length: 50 }, (_, i) => agent(`n${i}`, i === 0 ? 'start' : `{{ nodes.n${i - 1}.output.text }}`, i === 0 ? undefined : [`n${i - 1}`]));
  const fan = [agent('root', 'go'), ...Array.from({ length: 50 }, (_, i) => agent(`w${i}`, '{{ nodes.root.output.text }}', ['root']))];
  const diamond = [
    agent('root', 'go'),
    ...[0, 1, 2, 3].map((i) => agent(`a${i}`, '{{ nodes.root.output.text }}', ['root'])),
    ...[0, 1, 2, 3].map((i) => agent(`b${i}`, `{{ nodes.a${i}.output.text }}`, [`a${i}`])),
    agent('join', '{{ $join([nodes.b0.output.text, nodes.b1.output.text, nodes.b2.output.text, nodes.b3.output.text], ",") }}', ['b0', 'b1', 'b2', 'b3']),
  ];
  return [
    { name: 'chain of 50', nodes: 50, definition: def('bench-chain', chain), handwritten: { type: 'handChain', args: [50] } },
    { name: 'fan-out of 50', nodes: 51, definition: def('bench-fan-out', fan), handwritten: { type: 'handFanOut', args: [50] } },
    { name: '10-node diamond', nodes: 10, definition: def('bench-diamond', diamond), handwritten: { type: 'handDiamond', args: [] } },
  ];
}
