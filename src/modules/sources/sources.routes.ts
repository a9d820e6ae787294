import { z } from 'zod';
import { actorOf } from '../../platform/http/auth-hook.js';
import { idParam, stdErrors } from '../../platform/http/common.schemas.js';
import type { HttpApp } from '../../platform/http/types.js';
import type { SourcesService } from './sources.service.js';
import { createSourceBody, sourceView, updateSourceBody } from './sources.schemas.js';

export function registerSourceRoutes(app: HttpApp, sources: SourcesService): void {
  app.get('/api/v1/sources', { schema: { tags: ['sources'], response: { 200: z.object({ items: z.array(sourceView) }), ...stdErrors } } }, async (req) => ({
    items: await sources.list(actorOf(req)),
  }));
  app.post('/api/v1/sources', { schema: { tags: ['sources'], summary: 'Register a source system with its provenance', body: createSourceBody, response: { 201: sourceView, ...stdErrors } } }, async (req, reply) =>
    reply.status(201).send(await sources.create(actorOf(req), req.body)),
  );
  app.get('/api/v1/sources/:id', { schema: { tags: ['sources'], params: idParam, response: { 200: sourceView, ...stdErrors } } }, async (req) =>
    sources.get(actorOf(req), req.params.id),
  );
  app.patch('/api/v1/sources/:id', { schema: { tags: ['sources'], params: idParam, body: updateSourceBody, response: { 200: sourceView, ...stdErrors } } }, async (req) =>
    sources.update(actorOf(req), req.params.id, req.body),
  );
}
