import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { describe, expect, inject, it } from 'vitest';
import { installTemporalRuntime } from '../../src/runtime/temporal-runtime.js';
import { HISTORIES_DIR } from '../support/harness.js';

/**
 * Replays the recorded histories of the integration runs (test/fixtures/histories,
 * refreshed with WEFT_RECORD_HISTORIES=1) against the current interpreter: a
 * change that would break runs in flight fails here.
 */
/** Histories of earlier interpreter versions stay in subfolders (e.g. before-local-finish/): runs in flight may still be on them. */
const files = readdirSync(HISTORIES_DIR, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.json'))
  .sort();
const load = (file: string) => JSON.parse(readFileSync(join(HISTORIES_DIR, file), 'utf8')) as { workflowId?: string; events: Record<string, unknown>[] };

function replayOptions() {
  installTemporalRuntime('error');
  return { workflowBundle: { codePath: inject('workflowBundlePath') } };
}

describe('replay', () => {
  it('has recorded histories to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  it('replays every recorded history deterministically', async () => {
    const histories = files.map((file) => {
      const { workflowId, ...history } = load(file);
      return { workflowId: workflowId ?? file, history: historyFromJSON(history) };
    });
    const failures: string[] = [];
    for await (const result of Worker.runReplayHistories(replayOptions(), histories)) {
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
  });

  it('notices a history the current code would not produce', async () => {
    const { workflowId: _id, ...json } = load('retry-then-succeed.json');
    const scheduled = json.events.find((e) => e.activityTaskScheduledEventAttributes) as { activityTaskScheduledEventAttributes: { activityType: { name: string } } };
    scheduled.activityTaskScheduledEventAttributes.activityType.name = 'someOtherActivity';
    await expect(Worker.runReplayHistory(replayOptions(), historyFromJSON(json), 'tampered')).rejects.toThrow(/[Nn]ondetermin|activity type/);
  });
});
