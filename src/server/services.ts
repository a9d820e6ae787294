import type { Config } from '../platform/config/config.js';
import type { Database } from '../platform/db/database.js';
import { analyzeStaleTables } from '../platform/db/statistics.js';
import { AuditService } from '../modules/audit/index.js';
import { createConsentServices, type ConsentServices } from '../modules/consent/index.js';
import { CustomersService } from '../modules/customers/index.js';
import { createGoldenServices } from '../modules/golden/golden.wiring.js';
import type { GoldenService } from '../modules/golden/index.js';
import type { StewardshipService } from '../modules/stewardship/index.js';
import type { WebhooksService } from '../modules/webhooks/index.js';
import { GovernanceService } from '../modules/governance/index.js';
import { createIngestService, type IngestService } from '../modules/ingest/index.js';
import { QualityService } from '../modules/quality/index.js';
import { RecordsService } from '../modules/records/index.js';
import { SchemasService } from '../modules/schemas/index.js';
import { SourcesService } from '../modules/sources/index.js';

export type Services = {
  database: Database;
  audit: AuditService;
  governance: GovernanceService;
  schemas: SchemasService;
  sources: SourcesService;
  records: RecordsService;
  customers: CustomersService;
  ingest: IngestService;
  quality: QualityService;
  consent: ConsentServices;
  golden: GoldenService;
  stewardship: StewardshipService;
  webhooks: WebhooksService;
};

/** The composition root: one instance of each module's service, wired to the database. */
export type ServiceOptions = {
  /** Match new records against existing customers as they are written (default true). */
  matchOnArrival?: boolean;
};

export function createServices(
  database: Database,
  config: Pick<Config, 'sessionTtlHours'> & Partial<Pick<Config, 'dataDir' | 'importDir'>>,
  opts: ServiceOptions = {},
): Services {
  const audit = new AuditService(database);
  const governance = new GovernanceService(database, audit, config.sessionTtlHours);
  const schemas = new SchemasService(database, audit, governance);
  const sources = new SourcesService(database, audit, governance, schemas);
  const records = new RecordsService(database, audit, schemas, sources);
  const customers = new CustomersService(database, records, schemas);
  const quality = new QualityService(database, audit, schemas, sources);
  const ingest = createIngestService(
    { database, audit, schemas, sources, records },
    {
      dataDir: config.dataDir ?? './data',
      importRoots: config.importDir ? [config.importDir] : undefined,
      // KPIs are snapshotted after every import so the trend shows what each load did; the planner first
      // learns the new table sizes (autovacuum would be too late on PostgreSQL, and PGlite has none).
      afterImport: async (job) => {
        await analyzeStaleTables(database);
        await quality.snapshotKpis('import', { sourceId: job.sourceId, jobId: job.id });
      },
    },
  );
  const consent = createConsentServices({ database, audit, schemas, sources, records });
  // Turns on match on arrival for every write path (API and imports).
  const goldenModules = createGoldenServices({ database, audit, schemas, sources, records }, { matchOnArrival: opts.matchOnArrival });
  return {
    database,
    audit,
    governance,
    schemas,
    sources,
    records,
    customers,
    ingest,
    quality,
    consent,
    golden: goldenModules.golden,
    stewardship: goldenModules.stewardship,
    webhooks: goldenModules.webhooks,
  };
}
