export { CustomersService } from './customers.service.js';
export type { CustomerInclude } from './customers.service.js';
export * from './customers.schemas.js';
