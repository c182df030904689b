import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { validateDefinition, type ValidateOptions, type ValidationIssue } from '../../src/dag/validate.js';
import { jsonSchemaProblem } from '../../src/json-schema/validator.js';
import { PluginRegistry } from '../../src/plugins/registry.js';
import { definePlugin } from '../../src/plugins/types.js';

/** The shared conformance case, next to the repository as test/integration/conformance.test.ts finds it. */
const A03 = resolve(import.meta.dirname, '../../../shared/conformance/agents/a03-invalid.yaml');

/** A real plugin registry holding `slack.post`, whose config the plugin tool is checked against. */
const plugins = PluginRegistry.from([
  {
    plugin: definePlugin({
      name: 'slack',
      version: '1.0.0',
      nodeTypes: { post: { description: 'Posts', config: z.strictObject({ text: z.string(), retries: z.int().optional() }), run: () => null } },
    }),
    source: 'test',
  },
]);

const options: ValidateOptions = { plugins, jsonSchemaProblem, workflowExists: (name) => name === 'open-ticket' };

const object = (required: string) => ({ type: 'object', required: [required], properties: { [required]: { type: 'string' } } });

/** weft-agents §1's example, made valid: its plugin is loaded and its child workflow stored. */
function example(): Record<string, any> {
  return {
    apiVersion: 'weft/v1',
    name: 'triage',
    tools: {
      search_issues: {
        description: 'Search the tracker',
        parameters: object('q'),
        http: {
          method: 'GET',
          url: 'https://tracker.example.com/search',
          query: { q: '{{ args.q }}' },
          headers: { authorization: 'Bearer {{ secrets.TRACKER_TOKEN }}' },
        },
        timeout: '20s',
      },
      run_tests: {
        description: 'Run the test suite on a branch',
        parameters: object('branch'),
        exec: { command: ['./ci.sh', '{{ args.branch }}'], policy: 'sandbox', env: { TOKEN: '{{ secrets.CI_TOKEN }}' } },
        approve: "args.branch = 'main'",
        approvalTimeout: '4h',
      },
      open_ticket: { description: 'Open a ticket', parameters: object('title'), workflow: 'open-ticket@2' },
      notify: { description: 'Tell the channel', parameters: object('text'), plugin: 'slack.post', config: { text: '{{ args.text }}', retries: '{{ args.n }}' } },
      reviewer: { description: 'Ask a second agent to review a patch', parameters: object('patch'), agent: 'careful-reviewer', prompt: 'Review this patch: {{ args.patch }} for {{ run.id }}' },
    },
    mcp: {
      docs: { url: 'https://mcp.example.com/mcp', headers: { authorization: 'Bearer {{ secrets.DOCS_TOKEN }}' }, tools: ['search_docs', 'read_page'], approve: ['read_page'] },
      git: { command: ['mcp-server-git', '--repository', '/srv/repo'], env: { GIT_AUTHOR_NAME: 'weft' } },
    },
    agents: {
      'careful-reviewer': { provider: 'anthropic', model: 'claude-sonnet-4-6', system: 'You review patches for correctness. Answer with a verdict.', maxTurns: 4 },
    },
    nodes: [
      {
        id: 'triage',
        type: 'agent',
        agent: {
          use: 'careful-reviewer',
          provider: 'anthropic',
          model: 'claude-sonnet-4-6',
          system: 'You triage bug reports.',
          prompt: 'Triage: {{ input.report }}',
          tools: ['search_issues', 'run_tests', 'open_ticket', 'notify', 'reviewer', 'mcp.docs', 'mcp.git.git_log', 'mcp.docs.read_page'],
          toolChoice: 'auto',
          maxTurns: 12,
          maxToolCalls: 40,
          budgetUsd: 0.4,
          onLimit: 'fail',
          output: 'json',
          schema: object('severity'),
          thinking: 'adaptive',
        },
      },
    ],
  };
}

async function issues(raw: unknown): Promise<ValidationIssue[]> {
  const result = await validateDefinition(raw, options);
  return result.valid ? [] : result.errors;
}

type Change = (d: Record<string, any>) => void;
const node = (d: Record<string, any>) => d.nodes[0].agent;
/** Profiles `p1 → p2 → …` calling each other through agent tools `ask_p2`, …; `pN` calls nothing. */
function chainOfProfiles(d: Record<string, any>, length: number): void {
  for (let i = 1; i <= length; i++) {
    d.agents[`p${i}`] = { provider: 'offline', ...(i < length ? { tools: [`ask_p${i + 1}`] } : {}) };
    d.tools[`ask_p${i}`] = { description: `ask p${i}`, parameters: { type: 'object' }, agent: `p${i}` };
  }
}

const cases: [string, Change, string, string][] = [
  ['a node tool not in tools', (d) => node(d).tools.splice(1, 0, 'nope'), 'UNKNOWN_TOOL', '/nodes/0/agent/tools/1'],
  ['an undefined MCP server', (d) => node(d).tools.push('mcp.wiki'), 'UNKNOWN_TOOL', '/nodes/0/agent/tools/8'],
  ['an undefined server of a server tool', (d) => node(d).tools.push('mcp.wiki.page'), 'UNKNOWN_TOOL', '/nodes/0/agent/tools/8'],
  ['an MCP tool outside its allow-list', (d) => (node(d).tools[7] = 'mcp.docs.delete_page'), 'UNKNOWN_TOOL', '/nodes/0/agent/tools/7'],
  ['a fallback tool', (d) => (d.nodes[0].fallback = [{ model: 'm', tools: ['nope'] }]), 'UNKNOWN_TOOL', '/nodes/0/fallback/0/tools/0'],
  ['a defaults.agent tool', (d) => (d.defaults = { agent: { tools: ['search_issues', 'nope'] } }), 'UNKNOWN_TOOL', '/defaults/agent/tools/1'],
  ['a profile tool', (d) => (d.agents['careful-reviewer'].tools = ['nope']), 'UNKNOWN_TOOL', '/agents/careful-reviewer/tools/0'],
  ['a tool inside a map node', (d) => (d.nodes[1] = { id: 'm', type: 'map', items: '[1]', node: { type: 'agent', agent: { provider: 'offline', prompt: 'p', tools: ['nope'] } } }), 'UNKNOWN_TOOL', '/nodes/1/node/agent/tools/0'],
  ['a node use', (d) => (node(d).use = 'nobody'), 'UNKNOWN_AGENT', '/nodes/0/agent/use'],
  ['a fallback use', (d) => (d.nodes[0].fallback = [{ use: 'nobody' }]), 'UNKNOWN_AGENT', '/nodes/0/fallback/0/use'],
  ['a defaults.agent use', (d) => (d.defaults = { agent: { use: 'nobody' } }), 'UNKNOWN_AGENT', '/defaults/agent/use'],
  ['a profile use', (d) => (d.agents['careful-reviewer'].use = 'nobody'), 'UNKNOWN_AGENT', '/agents/careful-reviewer/use'],
  ['an agent tool', (d) => (d.tools.reviewer.agent = 'nobody'), 'UNKNOWN_AGENT', '/tools/reviewer/agent'],
  ['parameters not an object schema', (d) => (d.tools.search_issues.parameters = { type: 'string' }), 'SCHEMA', '/tools/search_issues/parameters'],
  ['parameters not a JSON Schema', (d) => (d.tools.search_issues.parameters = { type: 'object', properties: { q: { type: 'text' } } }), 'SCHEMA', '/tools/search_issues/parameters'],
  ['a tool of two kinds', (d) => (d.tools.search_issues.exec = { command: ['true'] }), 'SCHEMA', '/tools/search_issues'],
  ['a tool of no kind', (d) => delete d.tools.open_ticket.workflow, 'SCHEMA', '/tools/open_ticket'],
  ['an MCP server with url and command', (d) => (d.mcp.docs.command = ['x']), 'SCHEMA', '/mcp/docs'],
  ['an MCP server with neither', (d) => delete d.mcp.git.command, 'SCHEMA', '/mcp/git'],
  ['a sub-agent profile without provider', (d) => delete d.agents['careful-reviewer'].provider, 'SCHEMA', '/tools/reviewer/agent'],
  ['maxTurns over 200', (d) => (node(d).maxTurns = 201), 'LIMIT', '/nodes/0/agent/maxTurns'],
  ['maxToolCalls over 1000', (d) => (d.agents['careful-reviewer'].maxToolCalls = 1001), 'LIMIT', '/agents/careful-reviewer/maxToolCalls'],
  ['129 tools on one node', (d) => (node(d).tools = Array.from({ length: 129 }, (_, i) => `mcp.git.t${i}`)), 'LIMIT', '/nodes/0/agent/tools'],
  ['sub-agents 4 deep', (d) => (chainOfProfiles(d, 4), node(d).tools.push('ask_p1')), 'LIMIT', '/nodes/0/agent/tools/8'],
  ['an http tool reading nodes', (d) => (d.tools.search_issues.http.url = 'https://x/{{ nodes.triage.output }}'), 'UNKNOWN_REFERENCE', '/tools/search_issues/http/url'],
  ['an agent tool reading a map item', (d) => (d.tools.reviewer.prompt = '{{ item }}'), 'UNKNOWN_REFERENCE', '/tools/reviewer/prompt'],
  ['an approve reading nodes', (d) => (d.tools.run_tests.approve = "nodes.a.output = 'x'"), 'UNKNOWN_REFERENCE', '/tools/run_tests/approve'],
  ['an MCP server reading args', (d) => (d.mcp.docs.url = 'https://x/{{ args.q }}'), 'UNKNOWN_REFERENCE', '/mcp/docs/url'],
  ['secrets in an agent tool prompt', (d) => (d.tools.reviewer.prompt = '{{ secrets.X }}'), 'SCHEMA', '/tools/reviewer/prompt'],
  ['secrets in an exec tool command', (d) => (d.tools.run_tests.exec.command[1] = '{{ secrets.X }}'), 'SCHEMA', '/tools/run_tests/exec/command/1'],
  ['secrets in an MCP command', (d) => (d.mcp.git.command[1] = '{{ secrets.X }}'), 'SCHEMA', '/mcp/git/command/1'],
  ['secrets in a workflow tool input', (d) => (d.tools.open_ticket.input = { env: { k: '{{ secrets.X }}' } }), 'SCHEMA', '/tools/open_ticket/input/env/k'],
  ['secrets mixed with args', (d) => (d.tools.search_issues.http.headers.authorization = '{{ secrets.T & args.q }}'), 'SCHEMA', '/tools/search_issues/http/headers/authorization'],
  ['an approve that does not compile', (d) => (d.tools.run_tests.approve = 'args.branch = '), 'EXPRESSION_SYNTAX', '/tools/run_tests/approve'],
  ['a template that does not parse', (d) => (d.tools.reviewer.prompt = '{{ args.patch '), 'EXPRESSION_SYNTAX', '/tools/reviewer/prompt'],
  ['a workflow tool naming no stored workflow', (d) => (d.tools.open_ticket.workflow = 'close-ticket'), 'UNKNOWN_WORKFLOW', '/tools/open_ticket/workflow'],
  ['a plugin tool of no loaded type', (d) => (d.tools.notify.plugin = 'slack.shout'), 'UNKNOWN_TYPE', '/tools/notify/plugin'],
  ['a plugin tool config against its schema', (d) => (d.tools.notify.config.text = 5), 'SCHEMA', '/tools/notify/config/text'],
  ['a plugin tool config key the schema lacks', (d) => (d.tools.notify.config.colour = 'red'), 'SCHEMA', '/tools/notify/config'],
];

describe('agent DSL validation (weft-agents 2)', () => {
  it('accepts the §1 example', async () => {
    expect(await issues(example())).toEqual([]);
  });

  it.each(cases)('%s: %s at %s', async (_name, change, code, path) => {
    const d = example();
    change(d);
    const found = await issues(d);
    expect(found.map((i) => `${i.code} ${i.path}`)).toEqual([`${code} ${path}`]);
  });

  it('CYCLE: profiles calling each other through agent tools, named once', async () => {
    const d = example();
    chainOfProfiles(d, 2);
    d.agents.p2.tools = ['search_issues', 'ask_p1'];
    expect(await issues(d)).toEqual([{ code: 'CYCLE', path: '/agents/p1/tools/0', message: 'profiles call each other through agent tools: p1 -> p2 -> p1' }]);
  });

  it('CYCLE: a profile calling itself, also through a profile it uses', async () => {
    const d = example();
    chainOfProfiles(d, 1);
    d.agents.p1.tools = ['ask_p1'];
    expect((await issues(d)).map((i) => `${i.code} ${i.path} ${i.message}`)).toEqual(['CYCLE /agents/p1/tools/0 profiles call each other through agent tools: p1 -> p1']);
    // p0 inherits p1's tools by `use`, so a call of p0 from p1 is a cycle written in p1's list.
    d.agents.p1.tools = ['ask_p0'];
    d.agents.p0 = { use: 'p1' };
    d.tools.ask_p0 = { description: 'ask p0', parameters: { type: 'object' }, agent: 'p0' };
    expect((await issues(d)).map((i) => `${i.code} ${i.path}`)).toEqual(['CYCLE /agents/p1/tools/0']);
  });

  it('CYCLE: profiles using each other', async () => {
    const d = example();
    d.agents.a = { use: 'b' };
    d.agents.b = { use: 'c' };
    d.agents.c = { use: 'a' };
    expect(await issues(d)).toEqual([{ code: 'CYCLE', path: '/agents/a/use', message: 'profiles use each other: a -> b -> c -> a' }]);
  });

  it('sub-agents 3 deep pass, and a profile whose own chain is too deep is reported where it is written', async () => {
    const d = example();
    chainOfProfiles(d, 3);
    node(d).tools.push('ask_p1');
    expect(await issues(d)).toEqual([]);
    chainOfProfiles(d, 5);
    d.nodes[0].agent.tools.pop();
    expect((await issues(d)).map((i) => `${i.code} ${i.path} ${i.message}`)).toEqual(['LIMIT /agents/p1/tools/0 sub-agents nest 4 deep through ask_p2 (p2 -> p3 -> p4 -> p5); at most 3']);
  });

  it('128 tools, an MCP server counting as one, pass; limits at the bounds pass', async () => {
    const d = example();
    Object.assign(node(d), { tools: [...Array.from({ length: 127 }, (_, i) => `mcp.git.t${i}`), 'mcp.docs'], maxTurns: 200, maxToolCalls: 1000 });
    expect(await issues(d)).toEqual([]);
  });

  it('a node takes its provider and role from the profile it uses', async () => {
    const d = example();
    delete node(d).provider;
    d.agents['careful-reviewer'].role = 'reviewer';
    d.roles = { reviewer: { system: 'Review.' } };
    expect(await issues(d)).toEqual([]);
    d.agents['careful-reviewer'].use = 'base';
    d.agents.base = { provider: 'offline' };
    delete d.agents['careful-reviewer'].provider;
    expect(await issues(d)).toEqual([]);
  });

  it('an agent node without tools validates as before: no new issue', async () => {
    const raw = { apiVersion: 'weft/v1', name: 'plain', nodes: [{ id: 'a', type: 'agent', agent: { provider: 'offline', prompt: '{{ input.x }}' } }] };
    expect(await validateDefinition(raw)).toMatchObject({ valid: true, errors: [] });
  });

  it('the public conformance case a03 is refused with UNKNOWN_TOOL and UNKNOWN_AGENT', async () => {
    const spec = parse(readFileSync(A03, 'utf8')) as { workflow: unknown };
    const found = (await issues(spec.workflow)).map((i) => `${i.code} ${i.path}`);
    expect(found).toEqual(expect.arrayContaining(['UNKNOWN_TOOL /nodes/0/agent/tools/1', 'UNKNOWN_AGENT /nodes/1/agent/use']));
  });
});
