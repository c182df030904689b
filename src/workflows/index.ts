/** The workflow bundle's entry: every workflow type the Weft worker registers. */
export { weftRun } from './run-workflow.js';
export { weftScheduledRun } from './scheduled-run.js';
export { weftAlertsEvaluation, weftAlertDelivery } from './alerts.js';
