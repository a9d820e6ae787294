// Turns API and network failures into sentences a person can act on; the console never shows raw JSON or stacks.

export type ErrorDetail = { field: string; rule: string; message: string };

/** A failed API call: the HTTP status plus the API's `{ error: { code, message, details, requestId } }` body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
    readonly requestId: string | null = null,
    /** The full response body, for callers that need more (e.g. the rejected record of a 422 write). */
    readonly body: unknown = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Builds an ApiError from a status and whatever the server sent (JSON error body, HTML from a proxy, nothing). */
export function apiErrorFrom(status: number, body: unknown): ApiError {
  const err = (body as { error?: { code?: unknown; message?: unknown; details?: unknown; requestId?: unknown } } | null)?.error;
  if (err && typeof err === 'object') {
    const details = Array.isArray(err.details)
      ? err.details.filter((d): d is ErrorDetail => !!d && typeof d === 'object' && typeof (d as ErrorDetail).message === 'string')
      : [];
    return new ApiError(
      status,
      typeof err.code === 'string' ? err.code : codeForStatus(status),
      typeof err.message === 'string' ? err.message : '',
      details,
      typeof err.requestId === 'string' ? err.requestId : null,
      body,
    );
  }
  return new ApiError(status, codeForStatus(status), '', [], null, body);
}

function codeForStatus(status: number): string {
  if (status === 0) return 'NETWORK';
  if (status === 400) return 'BAD_REQUEST';
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 409) return 'CONFLICT';
  if (status === 422) return 'VALIDATION_FAILED';
  if (status === 429) return 'RATE_LIMITED';
  return status >= 500 ? 'INTERNAL' : 'BAD_REQUEST';
}

export type FriendlyError = {
  title: string;
  message: string;
  /** One line per field problem, e.g. "email: must look like name@example.com". */
  details: string[];
  /** Quote this when reporting a server problem. */
  requestId: string | null;
};

/** A readable title + message for any error thrown while talking to the API. */
export function describeError(error: unknown, context?: string): FriendlyError {
  if (!(error instanceof ApiError)) {
    return {
      title: 'Something went wrong',
      message: 'The console hit an unexpected problem. Reload the page; if it keeps happening, tell your administrator.',
      details: [],
      requestId: null,
    };
  }
  const details = error.details.map((d) => (d.field && d.field !== 'body' ? `${humanField(d.field)}: ${d.message}` : d.message));
  const serverSays = error.message && !looksTechnical(error.message) ? error.message : '';
  const what = context ? ` ${context}` : '';
  switch (error.code) {
    case 'NETWORK':
      return { title: 'Cannot reach the server', message: 'Check your connection, or ask your administrator whether Custodian is running, then try again.', details: [], requestId: null };
    case 'UNAUTHENTICATED':
      return { title: 'Please sign in', message: serverSays && !/api key/i.test(serverSays) ? serverSays : 'Your session has ended. Sign in again to continue.', details: [], requestId: error.requestId };
    case 'FORBIDDEN':
      return { title: "You don't have access", message: `Your role does not allow this${what ? ` (${context})` : ''}. Ask an administrator if you need it.`, details: [], requestId: error.requestId };
    case 'NOT_FOUND':
      return { title: 'Not found', message: `We could not find${what || ' what you asked for'}. It may have been deleted or merged, or the link is wrong.`, details: [], requestId: error.requestId };
    case 'VALIDATION_FAILED':
    case 'BAD_REQUEST':
      return { title: 'Please check the values', message: serverSays || 'Some values are not valid.', details, requestId: error.requestId };
    case 'CONFLICT':
      return { title: 'Already exists or changed meanwhile', message: serverSays || 'Someone else changed this at the same time. Reload and try again.', details, requestId: error.requestId };
    case 'RATE_LIMITED':
      return { title: 'Too many attempts', message: serverSays || 'Wait a minute and try again.', details: [], requestId: error.requestId };
    case 'PAYLOAD_TOO_LARGE':
      return { title: 'File too large', message: 'The upload is larger than the server accepts. Split it into smaller files.', details: [], requestId: error.requestId };
    default:
      if (error.status >= 500 || error.code === 'INTERNAL') {
        return {
          title: 'The server had a problem',
          message: 'This is not something you did. Try again in a moment; if it persists, give your administrator the reference below.',
          details: [],
          requestId: error.requestId,
        };
      }
      return { title: 'Request failed', message: serverSays || 'The server did not accept the request.', details, requestId: error.requestId };
  }
}

/** `definition.attributes.2.name` → `definition › attributes › 3 › name` is still technical; keep it short and readable. */
export function humanField(field: string): string {
  return field
    .replace(/^body\.?/, '')
    .replace(/^values\./, '')
    .split('.')
    .map((p) => (/^\d+$/.test(p) ? `#${Number(p) + 1}` : p.replace(/_/g, ' ')))
    .join(' › ');
}

function looksTechnical(message: string): boolean {
  return /^(FST_|Error:)|\bat \S+:\d+:\d+|[{}[\]]{2}/.test(message);
}
