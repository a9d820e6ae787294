// Public surface of the ingest module: other modules and the server use only these.
export { IngestService, createIngestService } from './ingest.service.js';
export type { IngestConfig } from './ingest.service.js';
export { registerIngestRoutes } from './import.routes.js';
export type { IngestRouteOptions } from './import.routes.js';
export type { ImportJobView, ImportOptionsInput, QuarantineView, ResubmitResult } from './ingest.schemas.js';
export { spreadsheetSafe } from './csv-safe.js';
