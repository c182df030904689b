import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { RerunAccepted, StartedRun } from '../api/types';
import { useSession } from '../auth/session';
import { navigate } from '../router';

/** An action on a run (weft-ops §11): each is one request; re-runs and new runs open the new run's page. */
export type RunAction =
  | { kind: 'cancel' | 'pause' | 'resume' }
  | { kind: 'approve'; nodeId: string; approved: boolean; comment: string }
  | { kind: 'budget'; budgetUsd: number }
  | { kind: 'rerun'; from: string }
  | { kind: 'restart'; workflow: string; version: number; input: unknown };

export function useRunAction(runId: string) {
  const { client } = useSession();
  const queryClient = useQueryClient();
  const base = `/runs/${encodeURIComponent(runId)}`;
  return useMutation({
    mutationFn: async (action: RunAction): Promise<string | null> => {
      switch (action.kind) {
        case 'cancel':
        case 'pause':
        case 'resume':
          await client.send('POST', `${base}/${action.kind}`);
          return null;
        case 'approve':
          await client.send('POST', `${base}/approvals/${encodeURIComponent(action.nodeId)}`, { approved: action.approved, ...(action.comment ? { comment: action.comment } : {}) });
          return null;
        case 'budget':
          await client.send('POST', `${base}/budget`, { budgetUsd: action.budgetUsd });
          return null;
        case 'rerun':
          return (await client.send<RerunAccepted>('POST', `${base}/rerun`, { from: action.from })).id;
        case 'restart':
          return (await client.send<StartedRun>('POST', '/runs', { workflow: action.workflow, version: action.version, input: action.input })).id;
      }
    },
    onSuccess: (newRun) => {
      if (newRun) navigate(`/runs/${encodeURIComponent(newRun)}`);
      else void queryClient.invalidateQueries({ queryKey: [base] });
    },
  });
}
