import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../platform/errors/app-error.js';
import { actorOf } from '../../platform/http/auth-hook.js';
import { idParam, page, stdErrors } from '../../platform/http/common.schemas.js';
import type { HttpApp } from '../../platform/http/types.js';
import type { IngestService } from './ingest.service.js';
import {
  importJobView,
  JOB_STATES,
  pathImportBody,
  quarantineBulkPatchBody,
  quarantinePatchBody,
  quarantineQuery,
  quarantineView,
  resubmitBody,
  resubmitResultView,
} from './ingest.schemas.js';

export type IngestRouteOptions = {
  /** Largest accepted upload in bytes (default 10 GiB). */
  maxUploadBytes?: number;
};

const MULTIPART_FIELDS = new Set(['source', 'schema', 'mode', 'dryRun', 'force', 'map', 'key', 'format', 'delimiter', 'encoding', 'sheet', 'dateFormats', 'batchSize', 'auditMode', 'writers', 'matchOnArrival']);

/**
 * Import and quarantine routes. Registers @fastify/multipart in its own encapsulated scope, so the rest
 * of the API keeps its JSON-only body parsing; authentication and error handling are inherited.
 */
export function registerIngestRoutes(app: HttpApp, ingest: IngestService, opts: IngestRouteOptions = {}): void {
  app.addHook('onReady', async () => {
    await ingest.recover();
  });
  app.addHook('onClose', async () => {
    for (const id of ingest.jobs.queue.activeIds()) ingest.jobs.queue.cancel(id, 'server shutting down');
    await ingest.drain();
  });

  void app.register(async (scope: HttpApp) => {
    await scope.register(multipart, { limits: { fileSize: opts.maxUploadBytes ?? 10 * 1024 ** 3, files: 1, fields: 40, fieldSize: 1024 * 1024 } });

    scope.post('/api/v1/imports', {
      schema: {
        tags: ['imports'],
        summary: 'Import a file into a source: multipart upload (field "file" plus option fields), or JSON { path, source, … } for a server-side file (admins)',
        response: { 202: importJobView, 200: importJobView, ...stdErrors, 413: stdErrors[400] },
      },
    }, async (req, reply) => {
      const actor = actorOf(req);
      const job = req.isMultipart() ? await fromMultipart(req, ingest) : await ingest.startFromPath(actor, pathOf(req.body), bodyOptions(req.body));
      return reply.status(job.reused ? 200 : 202).send(job);
    });

    scope.get('/api/v1/imports', {
      schema: {
        tags: ['imports'],
        summary: 'Recent import jobs, newest first',
        querystring: z.object({ source: z.string().optional(), state: z.enum(JOB_STATES).optional(), limit: z.coerce.number().int().min(1).max(500).default(50) }),
        response: { 200: z.object({ items: z.array(importJobView) }), ...stdErrors },
      },
    }, async (req) => ({ items: await ingest.listJobs(actorOf(req), req.query) }));

    scope.get('/api/v1/imports/:id', {
      schema: { tags: ['imports'], summary: 'An import job: state, counters, rows per second, ETA', params: idParam, response: { 200: importJobView, ...stdErrors } },
    }, async (req) => ingest.getJob(actorOf(req), req.params.id));

    scope.post('/api/v1/imports/:id/cancel', {
      schema: { tags: ['imports'], summary: 'Stop a job after its current batch (it stays resumable)', params: idParam, response: { 200: importJobView, ...stdErrors } },
    }, async (req) => ingest.cancel(actorOf(req), req.params.id));

    scope.post('/api/v1/imports/:id/resume', {
      schema: { tags: ['imports'], summary: 'Resume an interrupted, failed or cancelled job from its last committed batch', params: idParam, response: { 202: importJobView, 200: importJobView, ...stdErrors } },
    }, async (req, reply) => {
      const job = await ingest.resume(actorOf(req), req.params.id);
      return reply.status(job.reused ? 200 : 202).send(job);
    });

    scope.get('/api/v1/imports/:id/report.csv', {
      schema: { tags: ['imports'], summary: 'Quarantined rows of a job as CSV (row, line, key, field, rule, value, message, status), safe for spreadsheets', params: idParam },
    }, async (req, reply) => {
      const stream = await ingest.reportCsv(actorOf(req), req.params.id);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="import-${req.params.id}-report.csv"`)
        .send(stream);
    });

    scope.get('/api/v1/quarantine', {
      schema: { tags: ['imports'], summary: 'Quarantined import rows by source and/or job', querystring: quarantineQuery, response: { 200: page(quarantineView), ...stdErrors } },
    }, async (req) => ingest.listQuarantine(actorOf(req), req.query));

    scope.patch('/api/v1/quarantine/:id', {
      schema: { tags: ['imports'], summary: 'Correct a quarantined row (values merged; null clears)', params: idParam, body: quarantinePatchBody, response: { 200: quarantineView, ...stdErrors } },
    }, async (req) => ingest.patchQuarantine(actorOf(req), req.params.id, req.body));

    scope.patch('/api/v1/quarantine', {
      schema: { tags: ['imports'], summary: 'Bulk correction: set values on many rows (ids, or job with all: true)', body: quarantineBulkPatchBody, response: { 200: z.object({ updated: z.number().int() }), ...stdErrors } },
    }, async (req) => ingest.bulkPatchQuarantine(actorOf(req), req.body));

    scope.post('/api/v1/quarantine/resubmit', {
      schema: { tags: ['imports'], summary: 'Write corrected rows as records; results per row', body: resubmitBody, response: { 200: z.object({ results: z.array(resubmitResultView) }), ...stdErrors } },
    }, async (req) => ingest.resubmit(actorOf(req), req.body));
  });
}

function pathOf(body: unknown): string {
  const r = pathImportBody.pick({ path: true }).safeParse(body);
  if (!r.success) throw AppError.validation('Give a multipart upload, or JSON with a server-side path', [{ field: 'path', rule: 'required', message: 'is required for JSON imports' }]);
  return r.data.path;
}

function bodyOptions(body: unknown): Record<string, unknown> {
  const { path: _path, ...rest } = (body ?? {}) as Record<string, unknown>;
  return rest;
}

async function fromMultipart(req: FastifyRequest, ingest: IngestService) {
  const actor = actorOf(req);
  const fields: Record<string, unknown> = { ...(req.query as Record<string, unknown>) };
  let started: Awaited<ReturnType<IngestService['startFromUpload']>> | undefined;
  for await (const part of req.parts()) {
    if (part.type === 'file') {
      if (started) throw AppError.validation('Send one file per import', [{ field: 'file', rule: 'one_file', message: 'more than one file' }]);
      // Option fields must come before the file so the job can start once the upload is stored.
      started = await ingest.startFromUpload(actor, part.filename, part.file, normaliseFields(fields));
    } else if (MULTIPART_FIELDS.has(part.fieldname)) fields[part.fieldname] = part.value;
    else throw AppError.validation(`Unknown field "${part.fieldname}"`, [{ field: part.fieldname, rule: 'unknown_field', message: `allowed: file, ${[...MULTIPART_FIELDS].join(', ')}` }]);
  }
  if (!started) throw AppError.validation('No file in the upload', [{ field: 'file', rule: 'required', message: 'send the file as a multipart part' }]);
  return started;
}

/** Multipart fields are strings: booleans, numbers and `col=attr,…` (or JSON) maps are converted. */
function normaliseFields(f: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...f };
  for (const k of ['dryRun', 'force', 'matchOnArrival']) if (typeof out[k] === 'string') out[k] = out[k] === 'true' || out[k] === '1';
  for (const k of ['batchSize', 'writers']) if (typeof out[k] === 'string') out[k] = Number(out[k]);
  for (const k of ['map', 'dateFormats']) if (typeof out[k] === 'string') out[k] = parsePairs(out[k] as string);
  return out;
}

export function parsePairs(s: string): Record<string, string> | string {
  const t = s.trim();
  if (t.startsWith('{')) {
    try {
      return JSON.parse(t) as Record<string, string>;
    } catch {
      return s;
    }
  }
  const out: Record<string, string> = {};
  for (const pair of t.split(',').filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) return s;
    out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return out;
}
