import { apiErrorFrom, ApiError } from '../lib/errors';
import type { ImportJobView } from './types';

/** Starts an import with a multipart upload (option fields first, then the file, as the API requires). */
export async function uploadImport(file: File, fields: Record<string, string | boolean | undefined>): Promise<ImportJobView> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) if (v !== undefined && v !== '') form.append(k, String(v));
  form.append('file', file, file.name);
  let res: Response;
  try {
    res = await fetch('/api/v1/imports', { method: 'POST', body: form, credentials: 'same-origin', headers: { accept: 'application/json' } });
  } catch {
    throw new ApiError(0, 'NETWORK', 'Network error');
  }
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!res.ok) throw apiErrorFrom(res.status, body);
  return body as ImportJobView;
}

export const FINISHED_STATES = new Set(['completed', 'failed', 'cancelled', 'interrupted']);
