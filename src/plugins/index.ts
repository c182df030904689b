/** `weft/plugins`: what a plugin's author imports (types, `definePlugin`, hook names). */
export { definePlugin, type FailOptions, type HookContext, type HookFunction, type JsonSchema, type NodeTypeDefinition, type Plugin, type PluginContext } from './types.js';
export { HookName, type HookEvent } from './contract.js';
