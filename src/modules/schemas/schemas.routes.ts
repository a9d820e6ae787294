import { z } from 'zod';
import { actorOf } from '../../platform/http/auth-hook.js';
import { idParam, stdErrors } from '../../platform/http/common.schemas.js';
import type { HttpApp } from '../../platform/http/types.js';
import type { RecordsService } from '../records/index.js';
import type { SchemasService } from './schemas.service.js';
import { createSchemaBody, schemaVersionView, schemaView, updateSchemaBody } from './schemas.schemas.js';

const withDefinition = schemaView.extend({ definition: z.unknown() });
const versionParams = idParam.extend({ version: z.coerce.number().int().min(1) });

export function registerSchemaRoutes(app: HttpApp, schemas: SchemasService, records: RecordsService): void {
  app.get('/api/v1/schemas', { schema: { tags: ['schemas'], response: { 200: z.object({ items: z.array(schemaView) }), ...stdErrors } } }, async (req) => ({
    items: await schemas.list(actorOf(req)),
  }));
  app.post('/api/v1/schemas', { schema: { tags: ['schemas'], summary: 'Define a customer schema (version 1)', body: createSchemaBody, response: { 201: withDefinition, ...stdErrors } } }, async (req, reply) =>
    reply.status(201).send(await schemas.create(actorOf(req), req.body)),
  );
  app.get('/api/v1/schemas/:id', { schema: { tags: ['schemas'], params: idParam, response: { 200: withDefinition, ...stdErrors } } }, async (req) =>
    schemas.get(actorOf(req), req.params.id),
  );
  app.put('/api/v1/schemas/:id', {
    schema: { tags: ['schemas'], summary: 'Change a schema: a changed definition becomes a new version', params: idParam, body: updateSchemaBody, response: { 200: withDefinition.extend({ created: z.boolean() }), ...stdErrors } },
  }, async (req) => schemas.update(actorOf(req), req.params.id, req.body));
  app.get('/api/v1/schemas/:id/versions', { schema: { tags: ['schemas'], params: idParam, response: { 200: z.object({ items: z.array(schemaVersionView) }), ...stdErrors } } }, async (req) => ({
    items: await schemas.listVersions(actorOf(req), req.params.id),
  }));
  app.get('/api/v1/schemas/:id/versions/:version', { schema: { tags: ['schemas'], params: versionParams, response: { 200: schemaVersionView, ...stdErrors } } }, async (req) =>
    schemas.getVersion(actorOf(req), req.params.id, req.params.version),
  );
  app.get('/api/v1/schemas/:id/versions/:version/failures', {
    schema: {
      tags: ['schemas'],
      summary: 'Records validated with another version that fail this one',
      params: versionParams,
      querystring: z.object({ cursor: z.string().max(200).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }),
      response: {
        200: z.object({
          items: z.array(z.object({ recordId: z.string(), sourceId: z.string(), sourceKey: z.string(), schemaVersion: z.number(), errors: z.array(z.object({ field: z.string(), rule: z.string(), message: z.string(), value: z.unknown().optional() })) })),
          scanned: z.number(),
          nextCursor: z.string().nullable(),
        }),
        ...stdErrors,
      },
    },
  }, async (req) => records.failingForVersion(actorOf(req), req.params.id, req.params.version, req.query.cursor, req.query.limit));
}
