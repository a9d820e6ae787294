import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { hasSqlState } from '../db/sql-state.js';
import { AppError, type ErrorDetail } from '../errors/app-error.js';

type ErrorBody = { error: { code: string; message: string; details: ErrorDetail[]; requestId: string } };

function body(req: FastifyRequest, code: string, message: string, details: ErrorDetail[] = []): ErrorBody {
  return { error: { code, message, details, requestId: String(req.id) } };
}

/** One place that turns any thrown error into a JSON error with a code; unknown errors leak nothing. */
export function errorHandler(err: unknown, req: FastifyRequest, reply: FastifyReply): void {
  if (err instanceof AppError) {
    if (err.code === 'INTERNAL') req.log.error({ err }, 'internal error');
    void reply.status(err.status).send(body(req, err.code, err.message, err.details));
    return;
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = (err as { validationContext?: string }).validationContext ?? 'request';
    const details = err.validation.map((v) => ({
      field: [where === 'body' ? '' : where, ...String(v.instancePath ?? '').split('/').filter(Boolean)].filter(Boolean).join('.') || where,
      rule: String(v.keyword ?? 'invalid'),
      message: String(v.message ?? 'is invalid'),
    }));
    void reply.status(400).send(body(req, 'BAD_REQUEST', `Invalid ${where}`, details));
    return;
  }
  if (isUnstorableText(err)) {
    // A NUL character (or other text PostgreSQL cannot store) in some input: the caller's mistake, not ours.
    void reply.status(400).send(body(req, 'BAD_REQUEST', 'Text cannot contain NUL (\\u0000) characters'));
    return;
  }
  if (hasSqlState(err, RETRYABLE)) {
    // The database rolled the change back because it met a concurrent one (e.g. a record update and a merge of its
    // customer locking in opposite orders): nothing was written, and the same request sent again succeeds.
    req.log.warn({ err }, 'transaction rolled back by the database (concurrent change)');
    void reply.status(409).send(body(req, 'CONFLICT', 'The change met a concurrent one and was rolled back; nothing was written, send it again'));
    return;
  }
  const fe = err as FastifyError;
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code =
      fe.statusCode === 413 ? 'PAYLOAD_TOO_LARGE' : fe.statusCode === 404 ? 'NOT_FOUND' : fe.statusCode === 429 ? 'RATE_LIMITED' : 'BAD_REQUEST';
    const message = fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ? 'Request body is not valid JSON' : fe.message;
    void reply.status(fe.statusCode === 415 ? 415 : fe.statusCode).send(body(req, fe.statusCode === 415 ? 'BAD_REQUEST' : code, message));
    return;
  }
  req.log.error({ err }, 'unhandled error');
  void reply.status(500).send(body(req, 'INTERNAL', 'Something went wrong on our side; quote the request id when reporting it'));
}

export function notFoundHandler(req: FastifyRequest, reply: FastifyReply): void {
  void reply.status(404).send(body(req, 'NOT_FOUND', `No route ${req.method} ${req.url.split('?')[0]}`));
}

// 40P01 deadlock_detected, 40001 serialization_failure: the whole transaction was rolled back.
const RETRYABLE = new Set(['40P01', '40001']);

// 22021 character_not_in_repertoire (NUL in a text parameter), 22P05 untranslatable_character (\u0000 in jsonb).
const UNSTORABLE_TEXT = new Set(['22021', '22P05']);

function isUnstorableText(err: unknown): boolean {
  return hasSqlState(err, UNSTORABLE_TEXT);
}
