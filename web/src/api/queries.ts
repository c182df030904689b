import { useQuery } from '@tanstack/react-query';
import { useSession } from '../auth/session';
import type { StoredVersion, WorkflowDetail, WorkflowList } from './types';

/** `GET` of an API path as a TanStack query keyed by the path (null: not yet). */
export function useApi<T>(path: string | null, options: { refetchInterval?: number } = {}) {
  const { client } = useSession();
  return useQuery({ queryKey: [path], queryFn: () => client.get<T>(path!), enabled: path !== null, ...options });
}

export const useWorkflows = () => useApi<WorkflowList>('/workflows');
export const useWorkflow = (name: string) => useApi<WorkflowDetail>(`/workflows/${encodeURIComponent(name)}`);
/** A stored version (immutable: never refetched). */
export function useVersion(name: string | null, version: number | null) {
  const { client } = useSession();
  const path = name && version ? `/workflows/${encodeURIComponent(name)}/versions/${version}` : null;
  return useQuery({ queryKey: [path], queryFn: () => client.get<StoredVersion>(path!), enabled: path !== null, staleTime: Infinity });
}
