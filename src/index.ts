/** Weft as a library: build, validate and inspect definitions in TypeScript. */
export { workflow, WorkflowBuilder, type NodeOptions } from './dag/builder.js';
export { validateDefinition, ValidationCode, type ValidationIssue, type ValidationResult } from './dag/validate.js';
export { parseDefinitionText } from './dag/parse.js';
export { mermaidDiagram } from './dag/diagram.js';
export type { Definition, NodeSpec, AgentConfig } from './dag/schema.js';
export type { RunSnapshot, NodeRecord, RunStatus, NodeStatus } from './dag/run-state.js';
