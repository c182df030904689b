import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { createClient, type Client } from '../api/client';
import type { Identity, Role } from '../api/types';

/** Where the key lives: this tab's sessionStorage (weft-ops §11), gone when the tab closes; never a URL or localStorage. */
const KEY_ITEM = 'weft.key';
const IDENTITY_ITEM = 'weft.identity';

interface Session {
  client: Client;
  identity: Identity;
  signOut(): void;
}

const SessionContext = createContext<Session | null>(null);
const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** Whether `role` may do what needs `needed` (viewer < operator < admin). */
export function allows(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}

function stored(): { key: string; identity: Identity } | null {
  const key = sessionStorage.getItem(KEY_ITEM);
  const identity = sessionStorage.getItem(IDENTITY_ITEM);
  return key && identity ? { key, identity: JSON.parse(identity) as Identity } : null;
}

/** Holds the signed-in key; renders `signIn` until there is one. */
export function SessionProvider({ children, signIn }: { children: ReactNode; signIn: (done: (key: string, identity: Identity) => void) => ReactNode }) {
  const [current, setCurrent] = useState(stored);
  const signOut = useCallback(() => {
    sessionStorage.removeItem(KEY_ITEM);
    sessionStorage.removeItem(IDENTITY_ITEM);
    setCurrent(null);
  }, []);
  const session = useMemo(() => (current ? { client: createClient(current.key, signOut), identity: current.identity, signOut } : null), [current, signOut]);
  if (!session) {
    return signIn((key, identity) => {
      sessionStorage.setItem(KEY_ITEM, key);
      sessionStorage.setItem(IDENTITY_ITEM, JSON.stringify(identity));
      setCurrent({ key, identity });
    });
  }
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

/** The signed-in session (inside `SessionProvider`). */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

/** Whether the signed-in key's role reaches `needed`: what it may not do is not offered. */
export function useCan(needed: Role): boolean {
  return allows(useSession().identity.role, needed);
}
