export { SchemasService } from './schemas.service.js';
export type { LoadedSchemaVersion } from './schemas.service.js';
export * from './schemas.schemas.js';
export * from './definition.js';
export * from './validation/index.js';
export { strictestPrivacy } from './privacy.js';
