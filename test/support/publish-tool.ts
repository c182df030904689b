/**
 * The `publish` tool the agent tests share: one http call to the tool server
 * at `url`, which needs approval (so a test can approve one call and reject another).
 */
export function publishTool(url: string) {
  return {
    description: 'Publish a post',
    parameters: { type: 'object', required: ['title'], properties: { title: { type: 'string' } } },
    http: { method: 'POST', url, body: { title: '{{ args.title }}' } },
    approve: true,
  };
}
