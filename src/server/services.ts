import type { Config } from '../platform/config/config.js';
import type { Database } from '../platform/db/database.js';
import { AuditService } from '../modules/audit/index.js';
import { CustomersService } from '../modules/customers/index.js';
import { GovernanceService } from '../modules/governance/index.js';
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
};

/** The composition root: one instance of each module's service, wired to the database. */
export function createServices(database: Database, config: Pick<Config, 'sessionTtlHours'>): Services {
  const audit = new AuditService(database);
  const governance = new GovernanceService(database, audit, config.sessionTtlHours);
  const schemas = new SchemasService(database, audit, governance);
  const sources = new SourcesService(database, audit, governance, schemas);
  const records = new RecordsService(database, audit, schemas, sources);
  const customers = new CustomersService(database, records);
  return { database, audit, governance, schemas, sources, records, customers };
}
