import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, type ReactNode } from 'react';
import { api, setUnauthenticatedHandler } from '../api/client';
import type { Me, UserView } from '../api/types';
import { ApiError } from '../lib/errors';
import { can } from '../lib/nav';

type Session = {
  /** null: signed out; undefined: still checking. */
  me: Me | null | undefined;
  /** The check itself failed (server unreachable) — distinct from "signed out". */
  error: unknown;
  signIn(email: string, password: string): Promise<void>;
  signOut(): Promise<void>;
  can(...permissions: string[]): boolean;
};

const SessionContext = createContext<Session | null>(null);
export const ME_KEY = ['auth', 'me'] as const;

export function SessionProvider({ children }: { children: ReactNode }) {
  const qc = useQueryClient();
  const meQuery = useQuery({
    queryKey: ME_KEY,
    queryFn: async ({ signal }) => {
      try {
        return await api<Me>('GET', '/auth/me', { signal, quiet401: true });
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) return null;
        throw err;
      }
    },
    staleTime: 5 * 60_000,
    retry: (n, err) => !(err instanceof ApiError && err.status < 500) && n < 2,
  });

  useEffect(() => {
    // Any 401 means the session expired or was revoked: forget cached data; the router then shows sign-in.
    setUnauthenticatedHandler(() => {
      qc.setQueryData(ME_KEY, null);
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'auth' });
    });
    return () => setUnauthenticatedHandler(null);
  }, [qc]);

  const signIn = useCallback(
    async (email: string, password: string) => {
      await api<{ user: UserView }>('POST', '/auth/login', { body: { email, password }, quiet401: true });
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'auth' });
      await qc.fetchQuery({ queryKey: ME_KEY, queryFn: () => api<Me>('GET', '/auth/me'), staleTime: 0 });
    },
    [qc],
  );

  const signOut = useCallback(async () => {
    try {
      await api('POST', '/auth/logout', { quiet401: true });
    } finally {
      qc.clear();
      qc.setQueryData(ME_KEY, null);
    }
  }, [qc]);

  const me = meQuery.isPending ? undefined : (meQuery.data ?? null);
  const value = useMemo<Session>(
    () => ({
      me: meQuery.isError ? null : me,
      error: meQuery.isError ? meQuery.error : null,
      signIn,
      signOut,
      can: (...perms: string[]) => !!me && can(me.permissions, perms),
    }),
    [me, meQuery.isError, meQuery.error, signIn, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

const NOBODY: Me = { type: 'user', id: null, name: null, roles: [], permissions: [], businessAreaIds: [] };

/** The signed-in user (pages behind RequireSession); while signing out, a user without permissions. */
export function useMe(): Me {
  return useSession().me ?? NOBODY;
}
