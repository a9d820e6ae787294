import { z } from 'zod';
import { actorOf } from '../../platform/http/auth-hook.js';
import { idParam, page, stdErrors } from '../../platform/http/common.schemas.js';
import type { HttpApp } from '../../platform/http/types.js';
import type { StewardshipService } from './stewardship.service.js';
import {
  assignBody,
  bulkDecideBody,
  decideBody,
  decisionResult,
  jobView,
  labelView,
  modelView,
  rematchBody,
  taskCountsView,
  taskListQuery,
  taskView,
  trainBody,
} from './stewardship.schemas.js';

const tags = ['stewardship'];

/** Review queue, decisions, labels, match models and re-match jobs. */
export function registerStewardshipRoutes(app: HttpApp, stewardship: StewardshipService): void {
  app.get('/api/v1/review-tasks', {
    schema: { tags, summary: 'Review tasks with both records side by side and the per-attribute explanation', querystring: taskListQuery, response: { 200: page(taskView), ...stdErrors } },
  }, async (req) => stewardship.listTasks(actorOf(req), req.query));
  app.get('/api/v1/review-tasks/counts', { schema: { tags, summary: 'Counts by state, schema and age (dashboard)', response: { 200: taskCountsView, ...stdErrors } } }, async (req) =>
    stewardship.counts(actorOf(req)),
  );
  app.get('/api/v1/review-tasks/:id', { schema: { tags, params: idParam, response: { 200: taskView, ...stdErrors } } }, async (req) => stewardship.getTask(actorOf(req), req.params.id));
  app.post('/api/v1/review-tasks/:id/decision', {
    schema: { tags, summary: 'Decide: match (merge), not_match (remembered), skip', params: idParam, body: decideBody, response: { 200: decisionResult, ...stdErrors } },
  }, async (req) => stewardship.decide(actorOf(req), req.params.id, req.body));
  app.post('/api/v1/review-tasks/decisions', {
    schema: { tags, summary: 'The same decision for many tasks', body: bulkDecideBody, response: { 200: z.object({ items: z.array(decisionResult) }), ...stdErrors } },
  }, async (req) => ({ items: await stewardship.decideBulk(actorOf(req), req.body) }));
  app.put('/api/v1/review-tasks/:id/assignee', {
    schema: { tags, summary: 'Assign a task to a steward (null unassigns)', params: idParam, body: assignBody, response: { 200: taskView, ...stdErrors } },
  }, async (req) => stewardship.assign(actorOf(req), req.params.id, req.body));
  app.get('/api/v1/match-labels', {
    schema: { tags, querystring: z.object({ schema: z.string().max(200).optional() }), response: { 200: z.object({ items: z.array(labelView) }), ...stdErrors } },
  }, async (req) => ({ items: await stewardship.labels(actorOf(req), req.query.schema) }));
  app.post('/api/v1/schemas/:id/match-models', {
    schema: { tags, summary: 'Train a new model version from the stored records, calibrated with steward labels', params: idParam, body: trainBody.optional(), response: { 201: modelView, ...stdErrors } },
  }, async (req, reply) => reply.status(201).send(await stewardship.trainModel(actorOf(req), req.params.id, req.body ?? {})));
  app.get('/api/v1/schemas/:id/match-models', {
    schema: { tags, params: idParam, response: { 200: z.object({ items: z.array(modelView) }), ...stdErrors } },
  }, async (req) => ({ items: await stewardship.listModels(actorOf(req), req.params.id) }));
  app.post('/api/v1/match-models/:id/activate', { schema: { tags, params: idParam, response: { 200: modelView, ...stdErrors } } }, async (req) =>
    stewardship.activateModel(actorOf(req), req.params.id),
  );
  app.post('/api/v1/rematch-jobs', {
    schema: { tags, summary: 'Start a background re-match of a schema or source (dryRun reports merges/splits without changing anything)', body: rematchBody, response: { 202: jobView, ...stdErrors } },
  }, async (req, reply) => reply.status(202).send(await stewardship.startRematch(actorOf(req), req.body)));
  app.get('/api/v1/rematch-jobs', { schema: { tags, response: { 200: z.object({ items: z.array(jobView) }), ...stdErrors } } }, async (req) => ({
    items: await stewardship.listJobs(actorOf(req)),
  }));
  app.get('/api/v1/rematch-jobs/:id', { schema: { tags, summary: 'Progress and report of a re-match', params: idParam, response: { 200: jobView, ...stdErrors } } }, async (req) =>
    stewardship.getJob(actorOf(req), req.params.id),
  );
  app.post('/api/v1/rematch-jobs/:id/cancel', { schema: { tags, params: idParam, response: { 200: jobView, ...stdErrors } } }, async (req) =>
    stewardship.cancelJob(actorOf(req), req.params.id),
  );
}
