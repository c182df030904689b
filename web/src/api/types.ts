/**
 * The API's wire shapes, inferred from the server's own zod schemas (`z.input`
 * is what travels: ISO text for timestamps), so the dashboard never restates
 * a server type. Types only: nothing of the server ships to the browser.
 */
import type { z } from 'zod';
import type { criticalPathResponse, costsResponse, recommendationsResponse, summaryResponse, workflowAnalyticsResponse } from '../../../src/api/analytics-schemas';
import type { listBudgetsResponse } from '../../../src/api/budget-schemas';
import type { approval, estimate, identityResponse, nodeDetail, rerunAccepted, run, runDefinition, runList, schedule, scheduleList, startedRun, storedVersion, workflowDetail, workflowList } from '../../../src/api/responses';
import type { auditRecord } from '../../../src/api/routes/audit';
import type { alertDelivery, alertRule, alertSilence, alertView } from '../../../src/api/alert-schemas';
import type { keyInfo, createdKey } from '../../../src/api/routes/keys';
import type { ConversationTurn } from '../../../src/api/conversation-view';
import type { AgentEventData } from '../../../src/dag/agent-events';
import type { NodeEventData, RunEventData } from '../../../src/dag/run-events';
import type { NodeStatus, RunStatus } from '../../../src/dag/run-state';

export type { AgentEventData, ConversationTurn, NodeEventData, NodeStatus, RunEventData, RunStatus };
export type Identity = z.input<typeof identityResponse>;
export type Role = Identity['role'];
export type Run = z.input<typeof run>;
export type RunNode = Run['nodes'][string];
export type RunSummary = z.input<typeof runList>['items'][number];
export type RunList = z.input<typeof runList>;
export type NodeDetail = z.input<typeof nodeDetail>;
export type Attempt = NodeDetail['attempts'][number];
export type StartedRun = z.input<typeof startedRun>;
export type RunDefinition = z.input<typeof runDefinition>;
export type RerunAccepted = z.input<typeof rerunAccepted>;
export type Approval = z.input<typeof approval>;
export type WorkflowList = z.input<typeof workflowList>;
export type WorkflowDetail = z.input<typeof workflowDetail>;
export type StoredVersion = z.input<typeof storedVersion>;
export type Estimate = z.input<typeof estimate>;
export type Schedule = z.input<typeof schedule>;
export type ScheduleList = z.input<typeof scheduleList>;
export type CriticalPath = z.input<typeof criticalPathResponse>;
export type Summary = z.input<typeof summaryResponse>;
export type Costs = z.input<typeof costsResponse>;
export type Recommendations = z.input<typeof recommendationsResponse>;
export type WorkflowAnalytics = z.input<typeof workflowAnalyticsResponse>;
export type Budgets = z.input<typeof listBudgetsResponse>;
export type KeyInfo = z.input<typeof keyInfo>;
export type CreatedKey = z.input<typeof createdKey>;
export type AuditRecord = z.input<typeof auditRecord>;
export type AlertView = z.input<typeof alertView>;
export type AlertRule = z.input<typeof alertRule>;
export type AlertSilence = z.input<typeof alertSilence>;
export type AlertDelivery = z.input<typeof alertDelivery>;

/** The v1 error envelope's body. */
export interface ApiErrorBody {
  code: string;
  message: string;
  details?: unknown;
  requestId?: string | null;
}
