import { z } from 'zod';
import { actorOf } from '../../platform/http/auth-hook.js';
import { errorResponse, idParam, page, stdErrors } from '../../platform/http/common.schemas.js';
import type { HttpApp } from '../../platform/http/types.js';
import type { RecordsService } from './records.service.js';
import { recordQualityView, recordVersionView, recordView, updateRecordBody, verifyRecordBody, writeBatchBody, writeOutcome, writeRecordBody, writeResultView } from './records.schemas.js';
import type { WriteResult } from './records.schemas.js';

const rejectedResponse = errorResponse.extend({ outcome: writeOutcome, record: recordView });
const writeResponses = { 200: writeResultView, 201: writeResultView, 422: rejectedResponse.or(errorResponse), 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse };

export function registerRecordRoutes(app: HttpApp, records: RecordsService): void {
  const send = (reqId: string, reply: { status(n: number): { send(b: unknown): unknown } }, r: WriteResult): void => {
    if (r.outcome === 'rejected') {
      reply.status(422).send({
        error: {
          code: 'VALIDATION_FAILED',
          message: `Record rejected and kept in quarantine as ${r.record.id}; correct it and send it again`,
          details: r.record.errors.map((e) => ({ field: e.field, rule: e.rule, message: e.message })),
          requestId: reqId,
        },
        outcome: r.outcome,
        record: r.record,
      });
      return;
    }
    reply.status(r.outcome === 'created' ? 201 : 200).send(r);
  };

  app.post('/api/v1/records', {
    schema: { tags: ['records'], summary: 'Create or update one source record by (source, key)', body: writeRecordBody, response: writeResponses },
  }, async (req, reply) => {
    send(String(req.id), reply, await records.write(actorOf(req), req.body));
    return reply;
  });

  app.post('/api/v1/records/batch', {
    schema: {
      tags: ['records'],
      summary: 'Create or update up to 1,000 records of one source in one transaction',
      body: writeBatchBody,
      response: { 200: z.object({ counts: z.record(writeOutcome, z.number()), results: z.array(writeResultView) }), ...stdErrors },
    },
  }, async (req) => {
    const results = await records.writeBatch(actorOf(req), req.body);
    const counts = { created: 0, updated: 0, unchanged: 0, rejected: 0 };
    for (const r of results) counts[r.outcome] += 1;
    return { counts, results };
  });

  app.get('/api/v1/records', {
    schema: {
      tags: ['records'],
      summary: 'List records (e.g. the quarantine: status=rejected)',
      querystring: z.object({
        source: z.string().optional(),
        status: z.enum(['valid', 'rejected', 'deleted']).optional(),
        customerId: z.string().optional(),
        cursor: z.string().max(200).optional(),
        limit: z.coerce.number().int().min(1).max(500).default(50),
      }),
      response: { 200: page(recordView), ...stdErrors },
    },
  }, async (req) => records.list(actorOf(req), req.query));

  app.get('/api/v1/records/:id', { schema: { tags: ['records'], params: idParam, response: { 200: recordView, ...stdErrors } } }, async (req) =>
    records.get(actorOf(req), req.params.id),
  );
  app.put('/api/v1/records/:id', {
    schema: { tags: ['records'], summary: 'Correct and resubmit a record (a new version)', params: idParam, body: updateRecordBody, response: writeResponses },
  }, async (req, reply) => {
    send(String(req.id), reply, await records.update(actorOf(req), req.params.id, req.body));
    return reply;
  });
  app.delete('/api/v1/records/:id', { schema: { tags: ['records'], summary: 'Delete a record (history is kept)', params: idParam, response: { 200: recordView, ...stdErrors } } }, async (req) =>
    records.delete(actorOf(req), req.params.id),
  );
  app.get('/api/v1/records/:id/history', { schema: { tags: ['records'], params: idParam, response: { 200: z.object({ items: z.array(recordVersionView) }), ...stdErrors } } }, async (req) => ({
    items: await records.history(actorOf(req), req.params.id),
  }));
  app.get('/api/v1/records/:id/quality', {
    schema: { tags: ['records'], summary: 'Standardized values, per-attribute verification and quality score of a record', params: idParam, response: { 200: recordQualityView, ...stdErrors } },
  }, async (req) => records.quality(actorOf(req), req.params.id));
  app.post('/api/v1/records/:id/verify', {
    schema: {
      tags: ['records'],
      summary: 'Verify attribute values (steward): stamps verifiedAt/verifiedBy, optionally sets their status, rescores the record',
      params: idParam,
      body: verifyRecordBody,
      response: { 200: recordQualityView, ...stdErrors },
    },
  }, async (req) => records.verify(actorOf(req), req.params.id, req.body));
  app.get('/api/v1/sources/:id/records/:key', {
    schema: { tags: ['records'], summary: 'Look a record up by its source key', params: idParam.extend({ key: z.string().min(1).max(200) }), response: { 200: recordView, ...stdErrors } },
  }, async (req) => records.getByKey(actorOf(req), req.params.id, req.params.key));
}
