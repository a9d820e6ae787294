import { z } from 'zod';
import { actorOf } from '../../platform/http/auth-hook.js';
import { idParam, page, stdErrors } from '../../platform/http/common.schemas.js';
import type { HttpApp } from '../../platform/http/types.js';
import type { CustomersService } from './customers.service.js';
import { customerListQuery, customerSummaryView, customerView } from './customers.schemas.js';

const includeQuery = z.object({
  include: z
    .string()
    .regex(/^(records|history|sources)(,(records|history|sources))*$/, 'comma-separated list of records, sources, history')
    .optional(),
});

export function registerCustomerRoutes(app: HttpApp, customers: CustomersService): void {
  app.get('/api/v1/customers', {
    schema: { tags: ['customers'], summary: 'List or search customers (q: name, e-mail, phone, source key or id; fuzzy by default)', querystring: customerListQuery, response: { 200: page(customerSummaryView), ...stdErrors } },
  }, async (req) => customers.list(actorOf(req), req.query));

  app.get('/api/v1/customers/:id', {
    schema: { tags: ['customers'], summary: 'One customer: golden values with lineage and its source records (include=sources adds the contributing sources, include=history the timeline)', params: idParam, querystring: includeQuery, response: { 200: customerView, ...stdErrors } },
  }, async (req) => {
    // Records are always part of the customer view; include only adds (history).
    const inc = new Set((req.query.include ?? 'records').split(','));
    return customers.get(actorOf(req), req.params.id, { records: true, history: inc.has('history'), sources: inc.has('sources') });
  });
}
