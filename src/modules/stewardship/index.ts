export { StewardshipService } from './stewardship.service.js';
export { registerStewardshipRoutes } from './stewardship.routes.js';
export { createArrivalMatcher, type ArrivalStats } from './arrival-matcher.js';
export { planRematch, type RematchPlan } from './rematch.js';
export { rolesOf, toMatchRecord } from './match-fields.js';
export * from './stewardship.schemas.js';
