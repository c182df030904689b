import type { Db } from './client.js';
import { AgentConversationsRepo } from './agent-conversations-repo.js';
import { AnalyticsRepo } from './analytics/analytics-repo.js';
import { CriticalPathsRepo } from './analytics/critical-paths-repo.js';
import { NodeStatsRepo } from './analytics/node-stats-repo.js';
import { ApiKeysRepo } from './api-keys-repo.js';
import { AlertsRepo } from './alerts/alerts-repo.js';
import { AuditRepo } from './audit-repo.js';
import { BudgetsRepo } from './budgets-repo.js';
import { CacheRepo } from './cache-repo.js';
import { ExportRepo } from './export-repo.js';
import { NodeExecutionsRepo } from './node-executions-repo.js';
import { RunEventsRepo } from './run-events-repo.js';
import { RunNodesRepo } from './run-nodes-repo.js';
import { RunsRepo } from './runs-repo.js';
import { SessionsRepo } from './sessions-repo.js';
import { UsersRepo } from './users-repo.js';
import { WorkflowsRepo } from './workflows-repo.js';

/** Every repository over one database. */
export interface Repositories {
  workflows: WorkflowsRepo;
  runs: RunsRepo;
  runNodes: RunNodesRepo;
  runEvents: RunEventsRepo;
  nodeExecutions: NodeExecutionsRepo;
  apiKeys: ApiKeysRepo;
  audit: AuditRepo;
  alerts: AlertsRepo;
  cache: CacheRepo;
  exports: ExportRepo;
  budgets: BudgetsRepo;
  analytics: AnalyticsRepo;
  nodeStats: NodeStatsRepo;
  criticalPaths: CriticalPathsRepo;
  conversations: AgentConversationsRepo;
  users: UsersRepo;
  sessions: SessionsRepo;
}

export function createRepositories(db: Db): Repositories {
  return {
    workflows: new WorkflowsRepo(db),
    runs: new RunsRepo(db),
    runNodes: new RunNodesRepo(db),
    runEvents: new RunEventsRepo(db),
    nodeExecutions: new NodeExecutionsRepo(db),
    apiKeys: new ApiKeysRepo(db),
    audit: new AuditRepo(db),
    alerts: new AlertsRepo(db),
    cache: new CacheRepo(db),
    exports: new ExportRepo(db),
    budgets: new BudgetsRepo(db),
    analytics: new AnalyticsRepo(db),
    nodeStats: new NodeStatsRepo(db),
    criticalPaths: new CriticalPathsRepo(db),
    conversations: new AgentConversationsRepo(db),
    users: new UsersRepo(db),
    sessions: new SessionsRepo(db),
  };
}
