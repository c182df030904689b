import { Background, Controls, Handle, Position, ReactFlow, type Edge, type Node, type ReactFlowProps } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import type { HTMLAttributes, ReactNode } from 'react';
import { NODE_HEIGHT, NODE_WIDTH } from './layout';

/** Beyond this many nodes a graph starts at the top left at full size, drawing only what is on screen. */
const LARGE = 400;

/**
 * One node as both graphs draw it (the run's and the studio's): a frame with
 * a target handle on the left and a source handle on the right, its body a
 * button (the node's keyboard stop: Enter selects it). `attrs` carries the
 * frame's data attributes (`data-node-id` and the like).
 */
export function NodeFrame({ className, attrs, label, pressed, onPress, children }: { className: string; attrs: Record<`data-${string}`, string>; label: string; pressed: boolean; onPress: (() => void) | undefined; children: ReactNode }) {
  return (
    <div className={`dag-node ${className}`} {...attrs} style={{ width: NODE_WIDTH, height: NODE_HEIGHT }}>
      <Handle type="target" position={Position.Left} />
      <button type="button" className="dag-node-body" onClick={onPress} aria-label={label} aria-pressed={pressed} disabled={!onPress}>
        {children}
      </button>
      <Handle type="source" position={Position.Right} />
    </div>
  );
}

/**
 * React Flow as both graphs use it, in a group named `label`: a large graph
 * (over 400 nodes) starts at full size and draws only what is on screen, a
 * small one fits the view. Node wrappers are not focusable (each node's body
 * is a button already); `frame` goes to the group's element (drop and key
 * handlers), other props to React Flow as given.
 */
export function GraphCanvas<N extends Node, E extends Edge>({ label, className, frame, ...flow }: { label: string; className?: string; frame?: HTMLAttributes<HTMLDivElement> } & ReactFlowProps<N, E>) {
  const large = (flow.nodes?.length ?? 0) > LARGE;
  return (
    <div {...frame} className={`dag${className ? ` ${className}` : ''}`} role="group" aria-label={label}>
      <ReactFlow<N, E>
        nodesFocusable={false}
        onlyRenderVisibleElements={large}
        {...(large ? { defaultViewport: { x: 16, y: 16, zoom: 1 } } : { fitView: true, fitViewOptions: { maxZoom: 1.1 } })}
        minZoom={0.05}
        proOptions={{ hideAttribution: true }}
        {...flow}
      >
        <Background />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
