import { AppError } from '../errors/app-error.js';
import type { Permission, Role } from './permissions.js';
import { permissionsOf } from './permissions.js';

export type ActorType = 'user' | 'api_key' | 'system' | 'customer';

/** Who is acting: carried from the HTTP layer or CLI into every service call for authorization and audit. */
export class Actor {
  readonly permissions: Set<Permission>;

  constructor(
    readonly type: ActorType,
    readonly id: string | null,
    readonly roles: readonly Role[],
    // Empty means every business area.
    readonly businessAreaIds: readonly string[] = [],
    readonly requestId: string | null = null,
    readonly ip: string | null = null,
    readonly name: string | null = null,
  ) {
    this.permissions = permissionsOf(roles);
  }

  static system(name = 'system'): Actor {
    return new Actor('system', null, ['admin'], [], null, null, name);
  }

  can(permission: Permission): boolean {
    return this.permissions.has(permission);
  }

  require(permission: Permission): void {
    if (!this.can(permission)) throw AppError.forbidden(`Missing permission ${permission}`);
  }

  get allAreas(): boolean {
    return this.businessAreaIds.length === 0;
  }

  inArea(businessAreaId: string): boolean {
    return this.allAreas || this.businessAreaIds.includes(businessAreaId);
  }

  requireArea(businessAreaId: string): void {
    if (!this.inArea(businessAreaId)) throw AppError.forbidden('This business area is outside your scope');
  }
}
