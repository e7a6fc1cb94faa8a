// Who is signed in. On load the app asks GET /api/session (the HttpOnly cookie is invisible to scripts); signing
// in posts the API key once and keeps only what the server answers — never the key — in memory.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError, setCsrfToken, setUnauthorizedHandler } from '../api/client';
import type { Session, User } from '../api/types';

interface SessionState {
  user: User | null;
  loading: boolean;
  signIn(apiKey: string): Promise<void>;
  signOut(): Promise<void>;
  /** PATCH /api/me: the changed user replaces the signed-in one (screens reading its time zone follow). */
  updateUser(changes: { timezone?: string; name?: string | null }): Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [loading, setLoading] = useState(true);

  const adopt = useCallback((session: Session | null) => {
    setCsrfToken(session?.csrfToken ?? null);
    setUser(session?.user ?? null);
  }, []);

  useEffect(() => {
    setUnauthorizedHandler(() => adopt(null));
    api<Session>('/api/session')
      .then(adopt)
      .catch((err: unknown) => {
        if (!(err instanceof ApiError) || err.status !== 401) console.error(err);
        adopt(null);
      })
      .finally(() => setLoading(false));
    return () => setUnauthorizedHandler(null);
  }, [adopt]);

  const value = useMemo<SessionState>(() => ({
    user,
    loading,
    async signIn(apiKey: string) {
      adopt(await api<Session>('/api/session', { method: 'POST', body: { apiKey } }));
    },
    async signOut() {
      try {
        await api('/api/session', { method: 'DELETE' });
      } finally {
        adopt(null);
      }
    },
    async updateUser(changes) {
      setUser(await api<User>('/api/me', { method: 'PATCH', body: changes }));
    },
  }), [user, loading, adopt]);

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSession outside SessionProvider');
  return state;
}
