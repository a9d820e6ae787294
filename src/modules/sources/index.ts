export { SourcesService, sourceView } from './sources.service.js';
export type { SourceRow } from './sources.service.js';
export * from './sources.schemas.js';
