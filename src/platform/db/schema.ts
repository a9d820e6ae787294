// Every table, for drizzle-kit and typed queries. Tables live with the module that owns them.
export * from '../../modules/governance/governance.tables.js';
export * from '../../modules/schemas/schemas.tables.js';
export * from '../../modules/sources/sources.tables.js';
export * from '../../modules/records/records.tables.js';
export * from '../../modules/customers/customers.tables.js';
export * from '../../modules/audit/audit.tables.js';
export * from '../events/events.tables.js';
export * from '../../modules/ingest/ingest.tables.js';
export * from '../../modules/quality/quality.tables.js';
export * from '../../modules/consent/consent.tables.js';
export * from '../../modules/dsr/dsr.tables.js';
export * from '../../modules/portal/portal.tables.js';
export * from '../../modules/golden/golden.tables.js';
export * from '../../modules/stewardship/stewardship.tables.js';
export * from '../../modules/webhooks/webhooks.tables.js';
