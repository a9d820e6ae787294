export { GovernanceService } from './governance.service.js';
export type { RequestMeta } from './governance.service.js';
export * from './governance.schemas.js';
export { canSee, maskAttributeValues, maskValue } from './masking.js';
export type { PrivacyLevel } from './masking.js';
