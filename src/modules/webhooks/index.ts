export { WebhooksService } from './webhooks.service.js';
export { registerWebhookRoutes } from './webhooks.routes.js';
export { WebhookDeliveryWorker, startWebhookDelivery, type DeliveryOptions } from './delivery-worker.js';
export { readEvents, type FeedEvent } from './event-feed.js';
export { SIGNATURE_HEADER, signPayload, verifySignature } from './signing.js';
export * from './webhooks.schemas.js';
