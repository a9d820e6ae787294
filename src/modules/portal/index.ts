export { PortalService, customerActor, createLinkBody } from './portal.service.js';
export type { CreatedLink, LinkView, PortalPage, RequestContext, TokenResolution } from './portal.service.js';
export { registerPortalRoutes, DEFAULT_PORTAL_LIMITS } from './portal.routes.js';
export type { PortalLimits } from './portal.routes.js';
export { Mailer } from './mailer.js';
export { readPortalConfig } from './portal.config.js';
export type { PortalConfig } from './portal.config.js';
export { SlidingWindowLimiter } from './rate-limiter.js';
