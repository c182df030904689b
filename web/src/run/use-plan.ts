import { useQuery } from '@tanstack/react-query';
import { useVersion } from '../api/queries';
import { useSession } from '../auth/session';
import type { RunDefinition } from '../api/types';
import type { PlanNode } from './layout';


interface Validation {
  plan: { nodes: PlanNode[]; levels: string[][] };
}

/**
 * The plan of a stored definition version: the server's own compile
 * (`POST /workflows/validate`), so edges are the needs the engine uses. Null
 * for a run of an ad-hoc definition, which is not stored.
 */
export function usePlan(workflow: string | null, version: number | null) {
  const { client } = useSession();
  const stored = useVersion(workflow, version);
  const definition = stored.data?.definition;
  const plan = useQuery({
    queryKey: ['plan', workflow, version],
    queryFn: () => client.send<Validation>('POST', '/workflows/validate', definition),
    enabled: definition !== undefined,
    staleTime: Infinity,
  });
  return { definition, plan: plan.data?.plan ?? null, loading: stored.isLoading || plan.isLoading };
}

/**
 * The plan of the definition a run is pinned to (`GET /runs/{id}/definition`),
 * ad-hoc runs included: node types, edges and approvals for every run.
 */
export function useRunPlan(runId: string) {
  const { client } = useSession();
  const pinned = useQuery({ queryKey: ['run-definition', runId], queryFn: () => client.get<RunDefinition>(`/runs/${encodeURIComponent(runId)}/definition`), staleTime: Infinity });
  const definition = pinned.data?.definition;
  const plan = useQuery({
    queryKey: ['run-plan', runId],
    queryFn: () => client.send<Validation>('POST', '/workflows/validate', definition),
    enabled: definition !== undefined,
    staleTime: Infinity,
  });
  return { definition, plan: plan.data?.plan ?? null };
}
