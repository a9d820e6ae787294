import type { Database } from '../../platform/db/database.js';
import type { HttpApp } from '../../platform/http/types.js';
import type { AuditService } from '../audit/index.js';
import type { RecordsService } from '../records/index.js';
import type { SchemasService } from '../schemas/index.js';
import type { SourcesService } from '../sources/index.js';
import { registerStewardshipRoutes, StewardshipService } from '../stewardship/index.js';
import type { DeliveryOptions } from '../webhooks/index.js';
import { registerWebhookRoutes, startWebhookDelivery, WebhooksService } from '../webhooks/index.js';
import { registerGoldenRoutes } from './golden.routes.js';
import { GoldenService } from './golden.service.js';

// `database` lets the routes read lists (GET /merges) without going through the services.
export type GoldenServices = { golden: GoldenService; stewardship: StewardshipService; webhooks: WebhooksService; database: Database };
type Deps = { database: Database; audit: AuditService; schemas: SchemasService; sources: SourcesService; records: RecordsService };

/**
 * Golden records, stewardship and webhooks over the existing services. Also turns on match on arrival:
 * from here on every records write (API, import, quarantine) asks the matcher which customer a new record joins.
 */
export function createGoldenServices(s: Deps, opts: { matchOnArrival?: boolean } = {}): GoldenServices {
  const golden = new GoldenService(s.database, s.audit, s.schemas, s.sources);
  const stewardship = new StewardshipService(s.database, s.audit, s.schemas, s.sources, s.records, golden);
  if (opts.matchOnArrival !== false) stewardship.attachToRecords();
  const webhooks = new WebhooksService(s.database, s.audit);
  return { golden, stewardship, webhooks, database: s.database };
}

/** Every route of the three modules. */
export function registerGoldenModuleRoutes(app: HttpApp, g: GoldenServices): void {
  registerGoldenRoutes(app, g.golden, g.database);
  registerStewardshipRoutes(app, g.stewardship);
  registerWebhookRoutes(app, g.webhooks);
}

/** Background webhook delivery for `serve`; stop it on shutdown. */
export function startGoldenBackground(database: Database, opts: DeliveryOptions = {}): { stop: () => Promise<void> } {
  return startWebhookDelivery(database, opts);
}
