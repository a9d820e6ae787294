import { z } from 'zod';
import { actorOf } from '../../platform/http/auth-hook.js';
import type { Database } from '../../platform/db/database.js';
import { idParam, page, stdErrors } from '../../platform/http/common.schemas.js';
import type { HttpApp } from '../../platform/http/types.js';
import type { GoldenService } from './golden.service.js';
import {
  customerKeyView,
  goldenView,
  mergeBody,
  mergeListQuery,
  mergeResultView,
  mergeView,
  notDuplicateBody,
  notDuplicateView,
  pinBody,
  settingsBody,
  settingsView,
  splitBody,
  splitResultView,
  unmergeBody,
  unmergeResultView,
  xrefView,
} from './golden.schemas.js';
import { listMerges } from './merge-list.js';
import type { GoldenSettings } from './golden-store.js';

const tags = ['golden'];
const settingsOut = (s: GoldenSettings) => ({ schemaId: s.schemaId, upperThreshold: s.upper, lowerThreshold: s.lower, survivorship: s.survivorship, custom: s.custom });

/** Merge / unmerge / split, pins, not-duplicate pairs, cross-reference and golden settings. */
export function registerGoldenRoutes(app: HttpApp, golden: GoldenService, database: Database): void {
  app.post('/api/v1/customers/merge', {
    schema: { tags, summary: 'Merge two or more customers (records move to `into`, else the oldest)', body: mergeBody, response: { 200: mergeResultView, ...stdErrors } },
  }, async (req) => golden.merge(actorOf(req), req.body));
  app.get('/api/v1/merges', {
    schema: { tags, summary: 'Every merge and split, newest first (filters: kind, actor, customer, automatic, undone, since, until)', querystring: mergeListQuery, response: { 200: page(mergeView), ...stdErrors } },
  }, async (req) => {
    const actor = actorOf(req);
    return listMerges(database.db, actor, req.query, (rows) => golden.mergesInScope(actor, rows));
  });
  app.get('/api/v1/merges/:id', { schema: { tags, summary: 'One merge or split with its evidence', params: idParam, response: { 200: mergeView, ...stdErrors } } }, async (req) =>
    golden.getMerge(actorOf(req), req.params.id),
  );
  app.post('/api/v1/merges/:id/unmerge', {
    schema: { tags, summary: 'Undo a merge or split: records go back, golden values are recomputed', params: idParam, body: unmergeBody.optional(), response: { 200: unmergeResultView, ...stdErrors } },
  }, async (req) => golden.unmerge(actorOf(req), req.params.id, req.body ?? {}));
  app.get('/api/v1/customers/:id/merges', {
    schema: { tags, summary: 'Merge history of a customer, newest first', params: idParam, response: { 200: z.object({ items: z.array(mergeView) }), ...stdErrors } },
  }, async (req) => ({ items: await golden.history(actorOf(req), req.params.id) }));
  app.post('/api/v1/customers/:id/split', {
    schema: { tags, summary: 'Move chosen source records into a new customer', params: idParam, body: splitBody, response: { 200: splitResultView, ...stdErrors } },
  }, async (req) => golden.split(actorOf(req), req.params.id, req.body));
  const pinParams = z.object({ id: z.string().min(1).max(200), attribute: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/) });
  app.put('/api/v1/customers/:id/golden/:attribute/pin', {
    schema: { tags, summary: 'Pin a golden value (wins until unpinned)', params: pinParams, body: pinBody, response: { 200: goldenView, ...stdErrors } },
  }, async (req) => golden.pin(actorOf(req), req.params.id, req.params.attribute, req.body));
  app.delete('/api/v1/customers/:id/golden/:attribute/pin', {
    schema: { tags, summary: 'Unpin a golden value', params: pinParams, response: { 200: goldenView, ...stdErrors } },
  }, async (req) => golden.unpin(actorOf(req), req.params.id, req.params.attribute));
  app.get('/api/v1/customers/:id/keys', {
    schema: { tags, summary: 'All (source, key) pairs of a customer', params: idParam, response: { 200: z.object({ items: z.array(customerKeyView) }), ...stdErrors } },
  }, async (req) => ({ items: await golden.keys(actorOf(req), req.params.id) }));
  app.get('/api/v1/xref/:source/:key', {
    schema: { tags, summary: 'The customer holding a source record (source id or name, source key)', params: z.object({ source: z.string().min(1).max(200), key: z.string().min(1).max(500) }), response: { 200: xrefView, ...stdErrors } },
  }, async (req) => golden.xref(actorOf(req), req.params.source, req.params.key));
  app.post('/api/v1/not-duplicates', {
    schema: { tags, summary: 'Confirm two records are different people (never suggested or auto-merged again)', body: notDuplicateBody, response: { 201: z.object({ recordA: z.string(), recordB: z.string() }), ...stdErrors } },
  }, async (req, reply) => reply.status(201).send(await golden.markNotDuplicate(actorOf(req), req.body)));
  app.get('/api/v1/not-duplicates', {
    schema: { tags, querystring: z.object({ recordId: z.string().max(200).optional() }), response: { 200: z.object({ items: z.array(notDuplicateView) }), ...stdErrors } },
  }, async (req) => ({ items: await golden.listNotDuplicates(actorOf(req), req.query.recordId) }));
  app.delete('/api/v1/not-duplicates/:a/:b', {
    schema: { tags, params: z.object({ a: z.string().min(1).max(200), b: z.string().min(1).max(200) }), response: { 204: z.null(), ...stdErrors } },
  }, async (req, reply) => {
    await golden.removeNotDuplicate(actorOf(req), req.params.a, req.params.b);
    return reply.status(204).send(null);
  });
  app.get('/api/v1/schemas/:id/golden-settings', {
    schema: { tags, summary: 'Match thresholds and survivorship rules of a schema', params: idParam, response: { 200: settingsView, ...stdErrors } },
  }, async (req) => settingsOut(await golden.settings(actorOf(req), req.params.id)));
  app.put('/api/v1/schemas/:id/golden-settings', {
    schema: { tags, summary: 'Set match thresholds and survivorship rules of a schema', params: idParam, body: settingsBody, response: { 200: settingsView, ...stdErrors } },
  }, async (req) => settingsOut(await golden.updateSettings(actorOf(req), req.params.id, req.body)));
}
