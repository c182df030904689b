/**
 * The child process of {@link withWorkflowBundle}: bundles `src/workflows` with
 * the SDK's bundler (webpack) into the file named by its argument. Its log
 * lines go to stdout as `LEVEL<TAB>message` for the parent to log.
 */
import { writeFileSync } from 'node:fs';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowBundleOptions } from './bundle-options.js';

const line = (level: string) => (message: string) => void process.stdout.write(`${level}\t${message.replaceAll('\n', ' ')}\n`);
const logger = { trace: line('TRACE'), debug: line('DEBUG'), info: line('INFO'), warn: line('WARN'), error: line('ERROR'), log: (level: string, message: string) => line(level)(message) };
const { code } = await bundleWorkflowCode({ ...workflowBundleOptions(), logger });
writeFileSync(process.argv[2]!, code);
