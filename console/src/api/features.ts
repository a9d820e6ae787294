import { useQuery } from '@tanstack/react-query';
import { featuresFromPaths } from '../lib/features';
import type { NavFeatures } from '../lib/nav';

/** Which optional capabilities this server has, read from its OpenAPI document (public, cached for the session). */
export function useFeatures(): NavFeatures {
  const q = useQuery({
    queryKey: ['features'],
    queryFn: async ({ signal }) => {
      const res = await fetch('/api/openapi.json', { signal });
      if (!res.ok) return {};
      const doc = (await res.json()) as { paths?: Record<string, unknown> };
      return featuresFromPaths(Object.keys(doc.paths ?? {}));
    },
    staleTime: Infinity,
    retry: 1,
  });
  // Until known, hide optional pages rather than flash links that may not work.
  return q.data ?? { '/imports': false, '/quality': false, '/review': false, '/merges': false, '/rematch': false, '/webhooks': false, '/consent': false, '/dsr': false, '/outbox': false };
}
