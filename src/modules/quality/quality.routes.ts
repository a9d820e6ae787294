import { z } from 'zod';
import { actorOf } from '../../platform/http/auth-hook.js';
import { stdErrors } from '../../platform/http/common.schemas.js';
import type { HttpApp } from '../../platform/http/types.js';
import type { QualityService } from './quality.service.js';
import { qualityRulesBody } from './rules.js';
import { kpisQuery, kpiView, profileView, qualityRecordsQuery, qualityRecordView, rulesView, snapshotView, staleItemView, staleQuery } from './quality.schemas.js';

const schemaParam = z.object({ schema: z.string().min(1).max(200) });
const snapshotResult = z.object({ snapshotId: z.string(), takenAt: z.string(), rows: z.array(kpiView) });

/** Data quality API: profiling, KPIs and their snapshots, records by score, stale values, rules. */
export function registerQualityRoutes(app: HttpApp, quality: QualityService): void {
  app.get('/api/v1/quality/profile', {
    schema: {
      tags: ['quality'],
      summary: 'Profile of a source: per attribute fill rate, distinct count, top values, format patterns, min/max, lengths, valid/suspect/invalid shares',
      querystring: z.object({ source: z.string().min(1).max(200) }),
      response: { 200: profileView, ...stdErrors },
    },
  }, async (req) => quality.profile(actorOf(req), req.query.source));

  app.get('/api/v1/quality/kpis', {
    schema: {
      tags: ['quality'],
      summary: 'KPI snapshots over time (per source and overall), optionally with the KPIs computed now (live=true)',
      querystring: kpisQuery,
      response: { 200: z.object({ live: z.array(kpiView).nullable(), snapshots: z.array(snapshotView) }), ...stdErrors },
    },
  }, async (req) => quality.kpis(actorOf(req), req.query));

  app.post('/api/v1/quality/kpis/snapshot', {
    schema: { tags: ['quality'], summary: 'Take a KPI snapshot of every source and overall now', response: { 201: snapshotResult, ...stdErrors } },
  }, async (req, reply) => reply.status(201).send(await quality.takeSnapshot(actorOf(req))));

  app.get('/api/v1/quality/records', {
    schema: {
      tags: ['quality'],
      summary: 'Valid records by quality score, worst first; filter by maximum score or an attribute in a state (e.g. attribute=phone&status=invalid)',
      querystring: qualityRecordsQuery,
      response: { 200: z.object({ items: z.array(qualityRecordView) }), ...stdErrors },
    },
  }, async (req) => quality.records(actorOf(req), req.query));

  app.get('/api/v1/quality/stale', {
    schema: {
      tags: ['quality'],
      summary: 'Values past their freshness period, oldest verification first, for re-verification',
      querystring: staleQuery,
      response: { 200: z.object({ items: z.array(staleItemView), total: z.number().int() }), ...stdErrors },
    },
  }, async (req) => quality.stale(actorOf(req), req.query));

  app.get('/api/v1/quality/rules/:schema', {
    schema: { tags: ['quality'], summary: 'Quality rules of a schema: freshness periods and important attributes', params: schemaParam, response: { 200: rulesView, ...stdErrors } },
  }, async (req) => quality.getRules(actorOf(req), req.params.schema));

  app.put('/api/v1/quality/rules/:schema', {
    schema: {
      tags: ['quality'],
      summary: "Replace a schema's quality rule overrides and rescore its records",
      params: schemaParam,
      body: qualityRulesBody,
      response: { 200: rulesView.extend({ rescored: z.number().int() }), ...stdErrors },
    },
  }, async (req) => quality.putRules(actorOf(req), req.params.schema, req.body));
}
