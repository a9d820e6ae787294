import { apiErrorFrom, ApiError } from '../lib/errors';
import { apiUrl } from './client';

/** One development outbox mail as raw RFC 822 text (the route answers message/rfc822, not JSON). */
export async function fetchOutboxMessage(file: string, signal?: AbortSignal): Promise<string> {
  let res: Response;
  try {
    res = await fetch(apiUrl(`/portal/outbox/${encodeURIComponent(file)}`), { credentials: 'same-origin', headers: { accept: 'message/rfc822, application/json' }, signal });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'NETWORK', 'Network error');
  }
  const text = await res.text();
  if (!res.ok) {
    let body: unknown = null;
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
    throw apiErrorFrom(res.status, body);
  }
  return text;
}
