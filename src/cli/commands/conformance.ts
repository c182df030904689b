import { runConformance } from '../../conformance/runner.js';
import { ToolServer } from '../../conformance/tool-server.js';

export interface ConformanceOptions {
  url: string;
  key?: string;
  only?: string[];
}

/**
 * `weft conformance <dir>`: runs contract cases against an API; exit code 1 if
 * any fails. It serves the agent cases' tool URLs itself on 127.0.0.1 (the
 * worker must allow private destinations: WEFT_HTTP_ALLOW_PRIVATE=true).
 */
export async function conformanceCommand(dirs: string[], options: ConformanceOptions): Promise<number> {
  const key = options.key ?? process.env.WEFT_API_KEY ?? process.env.WEFT_BOOTSTRAP_ADMIN_KEY;
  if (!key) throw new Error('give an API key with --key, WEFT_API_KEY or WEFT_BOOTSTRAP_ADMIN_KEY');
  let passed = 0;
  let failed = 0;
  const tools = new ToolServer();
  const toolPort = await tools.start();
  try {
    for (const dir of dirs) {
      const results = await runConformance(dir, { url: options.url, key, only: options.only, toolPort }, (r) => {
        process.stdout.write(`${r.passed ? 'PASS' : 'FAIL'} ${r.file} — ${r.name}${r.message ? `: ${r.message}` : ''}\n`);
      });
      passed += results.filter((r) => r.passed).length;
      failed += results.filter((r) => !r.passed).length;
    }
  } finally {
    await tools.stop();
  }
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  return failed === 0 ? 0 : 1;
}
