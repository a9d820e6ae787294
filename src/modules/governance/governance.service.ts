import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { Actor } from '../../platform/auth/actor.js';
import type { Role } from '../../platform/auth/permissions.js';
import type { Database, Executor } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors/app-error.js';
import { newId } from '../../platform/ids.js';
import type { AuditService } from '../audit/index.js';
import { apiKeys, businessAreas, sessions, users } from './governance.tables.js';
import type {
  ApiKeyView,
  BusinessAreaView,
  CreateApiKeyInput,
  CreateBusinessAreaInput,
  CreateUserInput,
  UpdateUserInput,
  UserView,
} from './governance.schemas.js';
import { createApiKeySchema, createBusinessAreaSchema, createUserSchema, updateUserSchema } from './governance.schemas.js';
import { LoginThrottle } from './login-throttle.js';
import { dummyPasswordHash, hashPassword, randomToken, sha256Hex, verifyPassword } from './secrets.js';

const API_KEY_PATTERN = /^cst_([0-9a-hjkmnp-tv-z]{26})_([0-9a-f]{64})$/;
const CACHE_TTL_MS = 5_000;
const LAST_USED_EVERY_MS = 60_000;

type CachedActor = { actor: Actor; until: number };
export type RequestMeta = { requestId: string | null; ip: string | null; userAgent?: string | null };

type UserRow = typeof users.$inferSelect;
type ApiKeyRow = typeof apiKeys.$inferSelect;

/** Users, roles, business areas, console sessions and API keys. */
export class GovernanceService {
  private readonly keyCache = new Map<string, CachedActor>();
  private readonly sessionCache = new Map<string, CachedActor>();
  private readonly lastUsedWrites = new Map<string, number>();
  readonly throttle = new LoginThrottle();

  constructor(
    private readonly database: Database,
    private readonly audit: AuditService,
    private readonly sessionTtlHours: number,
  ) {}

  private get db() {
    return this.database.db;
  }

  // ---- business areas ----

  async createBusinessArea(actor: Actor, input: CreateBusinessAreaInput): Promise<BusinessAreaView> {
    actor.require('users:manage');
    const data = createBusinessAreaSchema.parse(input);
    return this.db.transaction(async (tx) => {
      const clash = await tx.select({ id: businessAreas.id }).from(businessAreas).where(eq(businessAreas.name, data.name));
      if (clash.length > 0) throw AppError.conflict(`Business area "${data.name}" already exists`, [{ field: 'name', rule: 'unique', message: 'already exists' }]);
      const [row] = await tx
        .insert(businessAreas)
        .values({ id: newId('businessArea'), name: data.name, description: data.description ?? null })
        .returning();
      await this.audit.append(tx, actor, { action: 'business_area.create', entityType: 'business_area', entityId: row!.id, payload: { after: row } });
      return areaView(row!);
    });
  }

  async listBusinessAreas(actor: Actor): Promise<BusinessAreaView[]> {
    const list = await this.db.select().from(businessAreas).orderBy(asc(businessAreas.name));
    return list.filter((a) => actor.inArea(a.id)).map(areaView);
  }

  /** Pass the caller's transaction as `ex` when inside one: PGlite has a single connection, so a query
   * outside the open transaction would wait for it forever. */
  async getBusinessArea(actor: Actor, idOrName: string, ex?: Executor): Promise<BusinessAreaView> {
    const [row] = await (ex ?? this.db)
      .select()
      .from(businessAreas)
      .where(sql`${businessAreas.id} = ${idOrName} or ${businessAreas.name} = ${idOrName}`);
    if (!row || !actor.inArea(row.id)) throw AppError.notFound('Business area', idOrName);
    return areaView(row);
  }

  /** Returns the id of the named area, creating it when missing (first-run defaults). */
  async ensureBusinessArea(ex: Executor, name: string): Promise<string> {
    const [found] = await ex.select({ id: businessAreas.id }).from(businessAreas).where(eq(businessAreas.name, name));
    if (found) return found.id;
    const id = newId('businessArea');
    await ex.insert(businessAreas).values({ id, name, description: 'Created automatically' });
    return id;
  }

  private async assertAreasExist(ex: Executor, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const found = await ex.select({ id: businessAreas.id }).from(businessAreas).where(inArray(businessAreas.id, [...ids]));
    const known = new Set(found.map((f) => f.id));
    const missing = ids.filter((i) => !known.has(i));
    if (missing.length > 0) {
      throw AppError.validation('Unknown business area', missing.map((m) => ({ field: 'businessAreaIds', rule: 'exists', message: `no business area ${m}` })));
    }
  }

  // ---- users ----

  async createUser(actor: Actor, input: CreateUserInput): Promise<UserView> {
    actor.require('users:manage');
    const data = createUserSchema.parse(input);
    const passwordHash = await hashPassword(data.password);
    return this.db.transaction(async (tx) => {
      await this.assertAreasExist(tx, data.businessAreaIds);
      const clash = await tx.select({ id: users.id }).from(users).where(sql`lower(${users.email}) = lower(${data.email})`);
      if (clash.length > 0) throw AppError.conflict(`A user with e-mail ${data.email} already exists`, [{ field: 'email', rule: 'unique', message: 'already exists' }]);
      const [row] = await tx
        .insert(users)
        .values({
          id: newId('user'),
          email: data.email,
          displayName: data.displayName,
          passwordHash,
          roles: data.roles,
          businessAreaIds: data.businessAreaIds,
        })
        .returning();
      const view = userView(row!);
      await this.audit.append(tx, actor, { action: 'user.create', entityType: 'user', entityId: row!.id, payload: { after: view } });
      return view;
    });
  }

  async listUsers(actor: Actor): Promise<UserView[]> {
    actor.require('users:manage');
    return (await this.db.select().from(users).orderBy(asc(users.email))).map(userView);
  }

  async getUser(actor: Actor, id: string): Promise<UserView> {
    if (actor.id !== id) actor.require('users:manage');
    const [row] = await this.db.select().from(users).where(eq(users.id, id));
    if (!row) throw AppError.notFound('User', id);
    return userView(row);
  }

  async updateUser(actor: Actor, id: string, input: UpdateUserInput): Promise<UserView> {
    actor.require('users:manage');
    const data = updateUserSchema.parse(input);
    const passwordHash = data.password ? await hashPassword(data.password) : undefined;
    const result = await this.db.transaction(async (tx) => {
      const [before] = await tx.select().from(users).where(eq(users.id, id)).for('update');
      if (!before) throw AppError.notFound('User', id);
      if (data.businessAreaIds) await this.assertAreasExist(tx, data.businessAreaIds);
      const disabling = data.disabled === true || (data.roles !== undefined && !data.roles.includes('admin'));
      if (disabling && before.roles.includes('admin') && before.disabledAt === null) await this.assertAnotherAdmin(tx, id);
      const [row] = await tx
        .update(users)
        .set({
          displayName: data.displayName ?? before.displayName,
          passwordHash: passwordHash ?? before.passwordHash,
          roles: data.roles ?? before.roles,
          businessAreaIds: data.businessAreaIds ?? before.businessAreaIds,
          disabledAt: data.disabled === undefined ? before.disabledAt : data.disabled ? new Date() : null,
          updatedAt: new Date(),
        })
        .where(eq(users.id, id))
        .returning();
      if (data.disabled || passwordHash || data.roles || data.businessAreaIds) {
        // Changed rights or credentials end existing console sessions.
        await tx.delete(sessions).where(eq(sessions.userId, id));
      }
      const after = userView(row!);
      await this.audit.append(tx, actor, {
        action: 'user.update',
        entityType: 'user',
        entityId: id,
        payload: { before: userView(before), after, passwordChanged: passwordHash !== undefined },
      });
      return after;
    });
    this.sessionCache.clear();
    return result;
  }

  private async assertAnotherAdmin(ex: Executor, exceptId: string): Promise<void> {
    const others = await ex
      .select({ id: users.id })
      .from(users)
      .where(and(sql`'admin' = any(${users.roles})`, isNull(users.disabledAt), sql`${users.id} <> ${exceptId}`))
      .limit(1);
    if (others.length === 0) throw AppError.conflict('Custodian needs at least one active admin');
  }

  async countUsers(): Promise<number> {
    const [r] = await this.db.select({ n: sql<number>`count(*)::int` }).from(users);
    return Number(r?.n ?? 0);
  }

  /**
   * Creates the first admin when there are no users. Uses the configured credentials, or generates a
   * password that the caller shows once.
   */
  async bootstrapAdmin(email: string | undefined, password: string | undefined): Promise<{ email: string; password: string | null } | null> {
    if ((await this.countUsers()) > 0) return null;
    const generated = password ? null : randomToken(18);
    const adminEmail = email ?? 'admin@custodian.local';
    await this.createUser(Actor.system('bootstrap'), {
      email: adminEmail,
      displayName: 'Administrator',
      password: password ?? generated!,
      roles: ['admin'],
      businessAreaIds: [],
    });
    return { email: adminEmail, password: generated };
  }

  // ---- console sessions ----

  async login(emailInput: string, password: string, meta: RequestMeta): Promise<{ token: string; expiresAt: Date; user: UserView }> {
    const throttleKey = `${emailInput.toLowerCase()}|${meta.ip ?? ''}`;
    this.throttle.check(throttleKey);
    const [row] = await this.db.select().from(users).where(sql`lower(${users.email}) = lower(${emailInput})`);
    const ok = row ? await verifyPassword(row.passwordHash, password) : await verifyPassword(await dummyPasswordHash(), password);
    const failActor = new Actor('user', row?.id ?? null, [], [], meta.requestId, meta.ip, emailInput);
    if (!row || !ok || row.disabledAt !== null) {
      this.throttle.fail(throttleKey);
      await this.audit.append(this.db, failActor, { action: 'auth.login_failed', entityType: 'user', entityId: row?.id ?? null, payload: { email: emailInput } });
      throw new AppError('UNAUTHENTICATED', 'E-mail or password is wrong');
    }
    this.throttle.succeed(throttleKey);
    const token = randomToken();
    const expiresAt = new Date(Date.now() + this.sessionTtlHours * 3_600_000);
    await this.db.transaction(async (tx) => {
      await tx.insert(sessions).values({ tokenHash: sha256Hex(token), userId: row.id, expiresAt, ip: meta.ip, userAgent: meta.userAgent ?? null });
      await tx.update(users).set({ lastLoginAt: new Date() }).where(eq(users.id, row.id));
      await this.audit.append(tx, actorForUser(row, meta), { action: 'auth.login', entityType: 'user', entityId: row.id });
    });
    return { token, expiresAt, user: userView(row) };
  }

  async logout(token: string, actor: Actor): Promise<void> {
    const hash = sha256Hex(token);
    this.sessionCache.delete(hash);
    await this.db.transaction(async (tx) => {
      await tx.delete(sessions).where(eq(sessions.tokenHash, hash));
      await this.audit.append(tx, actor, { action: 'auth.logout', entityType: 'user', entityId: actor.id });
    });
  }

  async actorForSession(token: string, meta: RequestMeta): Promise<Actor | null> {
    const hash = sha256Hex(token);
    const now = Date.now();
    const hit = this.sessionCache.get(hash);
    if (hit && hit.until > now) return withMeta(hit.actor, meta);
    const found = await this.db
      .select({ user: users, expiresAt: sessions.expiresAt })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(eq(sessions.tokenHash, hash));
    const r = found[0];
    if (!r || r.expiresAt.getTime() <= now || r.user.disabledAt !== null) {
      this.sessionCache.delete(hash);
      return null;
    }
    const actor = actorForUser(r.user, { requestId: null, ip: null });
    this.sessionCache.set(hash, { actor, until: Math.min(now + CACHE_TTL_MS, r.expiresAt.getTime()) });
    return withMeta(actor, meta);
  }

  // ---- API keys ----

  async createApiKey(actor: Actor, input: CreateApiKeyInput): Promise<{ key: string; apiKey: ApiKeyView }> {
    actor.require('apikeys:manage');
    const data = createApiKeySchema.parse(input);
    const id = newId('apiKey');
    const secret = randomToken(32);
    const secretHex = Buffer.from(secret, 'base64url').toString('hex');
    const key = `cst_${id.slice(4)}_${secretHex}`;
    const view = await this.db.transaction(async (tx) => {
      await this.assertAreasExist(tx, data.businessAreaIds);
      const [row] = await tx
        .insert(apiKeys)
        .values({
          id,
          name: data.name,
          secretHash: sha256Hex(secretHex),
          roles: data.roles,
          businessAreaIds: data.businessAreaIds,
          createdBy: actor.id ?? actor.name,
          expiresAt: data.expiresAt ? new Date(data.expiresAt) : null,
        })
        .returning();
      const v = apiKeyView(row!);
      await this.audit.append(tx, actor, { action: 'apikey.create', entityType: 'api_key', entityId: id, payload: { after: v } });
      return v;
    });
    return { key, apiKey: view };
  }

  async listApiKeys(actor: Actor): Promise<ApiKeyView[]> {
    actor.require('apikeys:manage');
    return (await this.db.select().from(apiKeys).orderBy(asc(apiKeys.createdAt))).map(apiKeyView);
  }

  async revokeApiKey(actor: Actor, id: string): Promise<ApiKeyView> {
    actor.require('apikeys:manage');
    const view = await this.db.transaction(async (tx) => {
      const [before] = await tx.select().from(apiKeys).where(eq(apiKeys.id, id)).for('update');
      if (!before) throw AppError.notFound('API key', id);
      if (before.revokedAt) return apiKeyView(before);
      const [row] = await tx.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, id)).returning();
      const v = apiKeyView(row!);
      await this.audit.append(tx, actor, { action: 'apikey.revoke', entityType: 'api_key', entityId: id, payload: { before: apiKeyView(before), after: v } });
      return v;
    });
    this.keyCache.clear();
    return view;
  }

  async actorForApiKey(key: string, meta: RequestMeta): Promise<Actor | null> {
    const m = API_KEY_PATTERN.exec(key);
    if (!m) return null;
    const id = `key_${m[1]}`;
    const secretHash = sha256Hex(m[2]!);
    const now = Date.now();
    const cacheKey = `${id}:${secretHash}`;
    const hit = this.keyCache.get(cacheKey);
    if (hit && hit.until > now) return withMeta(hit.actor, meta);
    const [row] = await this.db.select().from(apiKeys).where(eq(apiKeys.id, id));
    if (!row || row.secretHash !== secretHash || row.revokedAt || (row.expiresAt && row.expiresAt.getTime() <= now)) {
      this.keyCache.delete(cacheKey);
      return null;
    }
    const actor = new Actor('api_key', row.id, row.roles as Role[], row.businessAreaIds, null, null, row.name);
    this.keyCache.set(cacheKey, { actor, until: Math.min(now + CACHE_TTL_MS, row.expiresAt?.getTime() ?? Infinity) });
    const last = this.lastUsedWrites.get(id) ?? 0;
    if (now - last > LAST_USED_EVERY_MS) {
      this.lastUsedWrites.set(id, now);
      // Best effort and throttled: a usage timestamp must not cost a write per request.
      void this.db.update(apiKeys).set({ lastUsedAt: new Date() }).where(eq(apiKeys.id, id)).catch(() => undefined);
    }
    return withMeta(actor, meta);
  }
}

function withMeta(a: Actor, meta: RequestMeta): Actor {
  return new Actor(a.type, a.id, a.roles, a.businessAreaIds, meta.requestId, meta.ip, a.name);
}

function actorForUser(row: UserRow, meta: RequestMeta): Actor {
  return new Actor('user', row.id, row.roles as Role[], row.businessAreaIds, meta.requestId, meta.ip, row.email);
}

function iso(d: Date | null): string | null {
  return d ? d.toISOString() : null;
}

function userView(r: UserRow): UserView {
  return {
    id: r.id,
    email: r.email,
    displayName: r.displayName,
    roles: r.roles as Role[],
    businessAreaIds: r.businessAreaIds,
    createdAt: r.createdAt.toISOString(),
    disabled: r.disabledAt !== null,
    lastLoginAt: iso(r.lastLoginAt),
  };
}

function apiKeyView(r: ApiKeyRow): ApiKeyView {
  return {
    id: r.id,
    name: r.name,
    roles: r.roles as Role[],
    businessAreaIds: r.businessAreaIds,
    createdAt: r.createdAt.toISOString(),
    createdBy: r.createdBy,
    expiresAt: iso(r.expiresAt),
    revokedAt: iso(r.revokedAt),
    lastUsedAt: iso(r.lastUsedAt),
  };
}

function areaView(r: typeof businessAreas.$inferSelect): BusinessAreaView {
  return { id: r.id, name: r.name, description: r.description, createdAt: r.createdAt.toISOString() };
}
