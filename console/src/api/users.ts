import { useQuery } from '@tanstack/react-query';
import { useMe, useSession } from '../auth/session';
import { get } from './client';
import type { Items, UserView } from './types';

/** Display names for user ids where the viewer may list users; otherwise only "you" is known. */
export function useUserName(): (id: string | null | undefined) => string | null {
  const me = useMe();
  const { can } = useSession();
  const users = useQuery({
    queryKey: ['users'],
    queryFn: ({ signal }) => get<Items<UserView>>('/users', undefined, signal),
    enabled: can('users:manage'),
    staleTime: 5 * 60_000,
  });
  return (id) => {
    if (!id) return null;
    if (id === me.id) return 'you';
    return users.data?.items.find((u) => u.id === id)?.displayName ?? null;
  };
}
