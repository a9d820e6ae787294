import { z } from 'zod';
import { actorOf } from '../../platform/http/auth-hook.js';
import { idParam, stdErrors } from '../../platform/http/common.schemas.js';
import type { HttpApp } from '../../platform/http/types.js';
import type { WebhooksService } from './webhooks.service.js';
import {
  createSubscriptionBody,
  deliveryListQuery,
  deliveryView,
  eventView,
  eventsQuery,
  replayBody,
  subscriptionView,
  updateSubscriptionBody,
} from './webhooks.schemas.js';

const tags = ['webhooks'];

/** Webhook subscriptions with their delivery logs and replay, and `GET /api/v1/events?after=SEQ`. */
export function registerWebhookRoutes(app: HttpApp, webhooks: WebhooksService): void {
  app.get('/api/v1/events', {
    schema: { tags: ['events'], summary: 'Poll the domain event stream after a sequence number (in order; `next` is the next `after`)', querystring: eventsQuery, response: { 200: z.object({ items: z.array(eventView), next: z.number().int() }), ...stdErrors } },
  }, async (req) => webhooks.events(actorOf(req), req.query));
  app.get('/api/v1/webhooks', { schema: { tags, response: { 200: z.object({ items: z.array(subscriptionView) }), ...stdErrors } } }, async (req) => ({
    items: await webhooks.list(actorOf(req)),
  }));
  app.post('/api/v1/webhooks', {
    schema: { tags, summary: 'Subscribe a URL to event types (the secret is shown once)', body: createSubscriptionBody, response: { 201: subscriptionView.extend({ secret: z.string() }), ...stdErrors } },
  }, async (req, reply) => reply.status(201).send(await webhooks.create(actorOf(req), req.body)));
  app.get('/api/v1/webhooks/:id', { schema: { tags, params: idParam, response: { 200: subscriptionView, ...stdErrors } } }, async (req) => webhooks.get(actorOf(req), req.params.id));
  app.patch('/api/v1/webhooks/:id', { schema: { tags, params: idParam, body: updateSubscriptionBody, response: { 200: subscriptionView, ...stdErrors } } }, async (req) =>
    webhooks.update(actorOf(req), req.params.id, req.body),
  );
  app.delete('/api/v1/webhooks/:id', { schema: { tags, params: idParam, response: { 204: z.null(), ...stdErrors } } }, async (req, reply) => {
    await webhooks.remove(actorOf(req), req.params.id);
    return reply.status(204).send(null);
  });
  app.post('/api/v1/webhooks/:id/replay', {
    schema: { tags, summary: 'Deliver again every event from a sequence number on', params: idParam, body: replayBody, response: { 200: subscriptionView, ...stdErrors } },
  }, async (req) => webhooks.replay(actorOf(req), req.params.id, req.body));
  app.get('/api/v1/webhooks/:id/deliveries', {
    schema: { tags, summary: 'Delivery log with every attempt', params: idParam, querystring: deliveryListQuery, response: { 200: z.object({ items: z.array(deliveryView) }), ...stdErrors } },
  }, async (req) => ({ items: await webhooks.deliveries(actorOf(req), req.params.id, req.query) }));
}
