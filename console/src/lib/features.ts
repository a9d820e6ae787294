// Optional capabilities the server offers, detected from its OpenAPI document's paths.
import type { NavFeatures } from './nav.js';

export function featuresFromPaths(paths: readonly string[]): NavFeatures {
  const has = (prefix: string) => paths.some((p) => p === prefix || p.startsWith(`${prefix}/`));
  return {
    '/imports': has('/api/v1/imports'),
    '/quality': has('/api/v1/quality'),
    '/review': has('/api/v1/review-tasks'),
    '/merges': has('/api/v1/merges'),
    '/rematch': has('/api/v1/rematch-jobs'),
    '/webhooks': has('/api/v1/webhooks'),
    '/consent': has('/api/v1/consent'),
    '/dsr': has('/api/v1/dsr'),
    '/outbox': has('/api/v1/portal'),
  };
}
