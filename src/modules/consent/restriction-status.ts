import type { Actor } from '../../platform/auth/actor.js';
import { AppError } from '../../platform/errors/app-error.js';
import type { DsrService } from '../dsr/dsr.service.js';
import type { RestrictionStatusView } from './consent.schemas.js';

/**
 * Whether a customer is restricted, for the console's badge. Anyone who handles the customer's consents or
 * requests may know it (an agent needs it to understand why a grant is refused).
 */
export async function restrictionStatus(actor: Actor, dsr: DsrService, customerId: string): Promise<RestrictionStatusView> {
  if (!actor.can('consent:read') && !actor.can('dsr:manage')) throw new AppError('FORBIDDEN', 'Missing permission consent:read or dsr:manage');
  const restricted = await dsr.restrictionOf(customerId);
  if (restricted === null) throw new AppError('NOT_FOUND', `Customer ${customerId} not found`);
  return { customerId, restricted };
}
