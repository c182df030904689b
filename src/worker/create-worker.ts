import { type InjectedSinks, type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { WeftActivities } from '../activities/contract.js';
import type { WeftSinks } from '../workflows/event-sink.js';
import { workflowBundleOptions } from './bundle-options.js';

export interface WeftWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: WeftActivities;
  /** Where the interpreter's state changes go (the live event streams). */
  sinks?: InjectedSinks<WeftSinks>;
  /** A prebuilt bundle (tests build it once); otherwise the worker bundles `src/workflows`. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /**
   * Collect a stack for every promise workflow code creates, for Temporal's stack-trace queries
   * (default: off, `WEFT_WORKFLOW_STACK_TRACES`). Process-wide: the setting reaches the SDK's
   * workflow threads through the environment they copy when they start.
   */
  stackTraces?: boolean;
  /** Extra worker tuning, e.g. concurrency limits. */
  tuning?: Pick<WorkerOptions, 'maxConcurrentActivityTaskExecutions' | 'maxConcurrentWorkflowTaskExecutions' | 'maxCachedWorkflows'>;
}

/** Creates the Weft worker: the interpreter workflow plus every node activity. */
export async function createWeftWorker(options: WeftWorkerOptions): Promise<Worker> {
  // Read by the SDK's workflow threads (patches/@temporalio+worker+1.24.0.patch); threads copy the
  // environment when they start, which is within Worker.create.
  process.env.TEMPORAL_WORKFLOW_STACK_TRACES = options.stackTraces ? 'on' : 'off';
  // Fewer guarded calls into a workflow's context per activation: Node starts and joins a thread for
  // each call's deadlock watchdog. The interpreter's code keeps the watchdog (see the patch).
  process.env.TEMPORAL_WORKFLOW_LEAN_ACTIVATIONS = 'on';
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities,
    ...(options.sinks ? { sinks: options.sinks } : {}),
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : bundledHere()),
    // Cancellation reaches an activity only with a heartbeat's answer; the SDK's
    // default throttle (80% of the heartbeat timeout) would delay it by up to 24s.
    maxHeartbeatThrottleInterval: '2 seconds',
    defaultHeartbeatThrottleInterval: '2 seconds',
    ...options.tuning,
  });
}

/** The worker's options to bundle the workflows itself, as `withWorkflowBundle` would. */
function bundledHere(): Pick<WorkerOptions, 'workflowsPath' | 'bundlerOptions'> {
  const { workflowsPath, ...bundlerOptions } = workflowBundleOptions();
  return { workflowsPath, bundlerOptions };
}
