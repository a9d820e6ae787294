export { DsrService, bundleCsv } from './dsr.service.js';
export type { DsrConfig, SubjectBundle } from './dsr.service.js';
export * from './dsr.schemas.js';
