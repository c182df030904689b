import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { createClient, endSession, signInStatus, type Client, type Provider } from '../api/client';
import type { Identity, Role } from '../api/types';

/** Where the key lives: this tab's sessionStorage (weft-ops §11), gone when the tab closes; never a URL or localStorage. */
const KEY_ITEM = 'weft.key';
const IDENTITY_ITEM = 'weft.identity';

interface Session {
  client: Client;
  identity: Identity;
  signOut(): void;
}

/** Signed in with a key (kept in this tab), or by the provider (a session cookie the page never sees). */
type Current = { key: string; identity: Identity } | { identity: Identity & { csrfToken: string } };

const SessionContext = createContext<Session | null>(null);
const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** Whether `role` may do what needs `needed` (viewer < operator < admin). */
export function allows(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}

function storedKey(): Current | null {
  const key = sessionStorage.getItem(KEY_ITEM);
  const identity = sessionStorage.getItem(IDENTITY_ITEM);
  return key && identity ? { key, identity: JSON.parse(identity) as Identity } : null;
}

type SignInView = (done: (key: string, identity: Identity) => void, provider: Provider | null) => ReactNode;

/**
 * Holds the signed-in key or session; renders `signIn` until there is one.
 * Without a key in this tab, it first asks whether the browser has a session
 * (the cookie is HttpOnly: only the API can tell) and which provider to offer.
 */
export function SessionProvider({ children, signIn }: { children: ReactNode; signIn: SignInView }) {
  const [current, setCurrent] = useState<Current | null | undefined>(() => storedKey() ?? undefined);
  const [provider, setProvider] = useState<Provider | null>(null);
  useEffect(() => {
    if (current !== undefined) return;
    signInStatus().then(
      (status) => {
        setProvider(status.provider);
        setCurrent(status.session ? { identity: status.session } : null);
      },
      () => setCurrent(null),
    );
  }, [current]);
  const dropped = useCallback(() => {
    sessionStorage.removeItem(KEY_ITEM);
    sessionStorage.removeItem(IDENTITY_ITEM);
    setCurrent(null);
  }, []);
  const session = useMemo(() => {
    if (!current) return null;
    if ('key' in current) return { client: createClient({ key: current.key }, dropped), identity: current.identity, signOut: dropped };
    const { csrfToken } = current.identity;
    const signOut = () => void endSession(csrfToken).then((to) => window.location.assign(to));
    return { client: createClient({ csrfToken }, dropped), identity: current.identity, signOut };
  }, [current, dropped]);
  if (current === undefined) return <p className="muted">Loading…</p>;
  if (!session) {
    return signIn((key, identity) => {
      sessionStorage.setItem(KEY_ITEM, key);
      sessionStorage.setItem(IDENTITY_ITEM, JSON.stringify(identity));
      setCurrent({ key, identity });
    }, provider);
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
