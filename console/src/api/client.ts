import { apiErrorFrom, ApiError } from '../lib/errors';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

let onUnauthenticated: (() => void) | null = null;

/** Called once by the session provider: a 401 on any call means the session ended. */
export function setUnauthenticatedHandler(fn: (() => void) | null): void {
  onUnauthenticated = fn;
}

/** Builds `/api/v1/…?a=b` from a path and query parameters, dropping empty ones. */
export function apiUrl(path: string, query?: Record<string, string | number | boolean | null | undefined>): string {
  const url = path.startsWith('/api/') ? path : `/api/v1${path}`;
  if (!query) return url;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  const s = qs.toString();
  return s ? `${url}?${s}` : url;
}

/** One API call with the session cookie; throws ApiError (status 0 for network failures). */
export async function api<T>(method: Method, path: string, opts: { body?: unknown; query?: Record<string, string | number | boolean | null | undefined>; signal?: AbortSignal; quiet401?: boolean } = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(apiUrl(path, opts.query), {
      method,
      credentials: 'same-origin',
      headers: { accept: 'application/json', ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
      signal: opts.signal,
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'NETWORK', 'Network error');
  }
  if (res.status === 204) return null as T;
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!res.ok) {
    const err = apiErrorFrom(res.status, body);
    if (res.status === 401 && !opts.quiet401) onUnauthenticated?.();
    throw err;
  }
  return body as T;
}

export const get = <T>(path: string, query?: Record<string, string | number | boolean | null | undefined>, signal?: AbortSignal) => api<T>('GET', path, { query, signal });
