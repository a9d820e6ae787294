import { beforeAll, describe, expect, it } from 'vitest';
import { Actor } from '../../src/platform/auth/actor.js';
import { describeTiers } from '../support/tiers.js';
import { useSystem } from '../support/system.js';

const PASSWORD = 'correct horse battery staple';

function sessionCookie(setCookie: unknown): { token: string; header: string } {
  const list = Array.isArray(setCookie) ? setCookie.map(String) : [String(setCookie)];
  const header = list.find((c) => c.startsWith('custodian_session='));
  if (!header) throw new Error(`no session cookie in ${JSON.stringify(setCookie)}`);
  return { token: header.split(';')[0]!.split('=')[1]!, header };
}

describeTiers('HTTP governance', (tier) => {
  const sys = useSystem(tier);
  let admin: string;

  beforeAll(async () => {
    admin = (await sys().key('admin')).key;
  });

  const as = (key: string | null) => ({
    get: (url: string) => sys().request({ method: 'GET', url, key }),
    post: (url: string, payload?: unknown) => sys().request({ method: 'POST', url, key, payload }),
    patch: (url: string, payload: unknown) => sys().request({ method: 'PATCH', url, key, payload }),
    del: (url: string) => sys().request({ method: 'DELETE', url, key }),
  });
  const withCookie = (token: string, method: 'GET' | 'POST', url: string) =>
    sys().request({ method, url, headers: { cookie: `custodian_session=${token}` } });
  const login = (email: string, password: string) => as(null).post('/api/v1/auth/login', { email, password });

  describe('console sessions', () => {
    let userId: string;

    beforeAll(async () => {
      const u = await sys().services.governance.createUser(Actor.system(), { email: 'Stew@Example.com', displayName: 'Stew', password: PASSWORD, roles: ['steward'] });
      userId = u.id;
    });

    it('login sets an HttpOnly session cookie; /auth/me works with it', async () => {
      const res = await login('stew@example.com', PASSWORD);
      expect(res.statusCode).toBe(200);
      expect(res.json().user).toMatchObject({ id: userId, email: 'Stew@Example.com', roles: ['steward'], disabled: false });
      expect(res.body).not.toContain('password');
      const { token, header } = sessionCookie(res.headers['set-cookie']);
      expect(header).toMatch(/;\s*HttpOnly/i);
      expect(header).toMatch(/;\s*SameSite=Lax/i);
      expect(header).toMatch(/;\s*Path=\//i);
      expect(token.length).toBeGreaterThanOrEqual(40);
      const me = await withCookie(token, 'GET', '/api/v1/auth/me');
      expect(me.statusCode).toBe(200);
      expect(me.json()).toMatchObject({ type: 'user', id: userId, roles: ['steward'], businessAreaIds: [] });
      expect(me.json().permissions).toContain('records:write');
      expect(me.json().permissions).not.toContain('users:manage');
      // The session token is stored only as a hash.
      const rows = await sys().query<{ token_hash: string }>('select token_hash from sessions where user_id = $1', [userId]);
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) {
        expect(r.token_hash).toMatch(/^[0-9a-f]{64}$/);
        expect(r.token_hash).not.toBe(token);
      }
      // A user may read their own profile but not list users.
      expect((await withCookie(token, 'GET', `/api/v1/users/${userId}`)).statusCode).toBe(200);
      expect((await withCookie(token, 'GET', '/api/v1/users')).statusCode).toBe(403);
    });

    it('wrong password and unknown e-mail give the same 401', async () => {
      const wrong = await login('stew@example.com', 'not the password at all');
      const unknown = await login('nobody-here@example.com', 'not the password at all');
      expect(wrong.statusCode).toBe(401);
      expect(unknown.statusCode).toBe(401);
      expect(wrong.json().error.code).toBe('UNAUTHENTICATED');
      expect(wrong.json().error.message).toBe(unknown.json().error.message);
      expect(wrong.headers['set-cookie']).toBeUndefined();
      const failed = await sys().services.audit.list(Actor.system(), { action: 'auth.login_failed', limit: 100 });
      expect(failed.length).toBeGreaterThanOrEqual(2);
      expect(JSON.stringify(failed)).not.toContain('not the password');
    });

    it('the 11th failed login in a row is refused with 429, even with the right password', async () => {
      await sys().services.governance.createUser(Actor.system(), { email: 'guess@example.com', displayName: 'Guess', password: PASSWORD, roles: ['analyst'] });
      for (let i = 1; i <= 10; i++) {
        const res = await login('guess@example.com', `wrong-password-${i}`);
        expect(res.statusCode, `attempt ${i}`).toBe(401);
      }
      const eleventh = await login('guess@example.com', 'wrong-password-11');
      expect(eleventh.statusCode).toBe(429);
      expect(eleventh.json().error.code).toBe('RATE_LIMITED');
      expect((await login('GUESS@example.com', PASSWORD)).statusCode).toBe(429);
      // Other accounts are not affected.
      expect((await login('stew@example.com', PASSWORD)).statusCode).toBe(200);
    });

    it('logout ends the session', async () => {
      const { token } = sessionCookie((await login('stew@example.com', PASSWORD)).headers['set-cookie']);
      expect((await withCookie(token, 'GET', '/api/v1/auth/me')).statusCode).toBe(200);
      const out = await withCookie(token, 'POST', '/api/v1/auth/logout');
      expect(out.statusCode).toBe(204);
      expect(String(out.headers['set-cookie'])).toMatch(/custodian_session=;/);
      const me = await withCookie(token, 'GET', '/api/v1/auth/me');
      expect(me.statusCode).toBe(401);
      expect(me.json().error.code).toBe('UNAUTHENTICATED');
    });

    it('disabling a user ends their sessions and stops sign-in', async () => {
      const u = await sys().services.governance.createUser(Actor.system(), { email: 'temp@example.com', displayName: 'Temp', password: PASSWORD, roles: ['agent'] });
      const { token } = sessionCookie((await login('temp@example.com', PASSWORD)).headers['set-cookie']);
      expect((await withCookie(token, 'GET', '/api/v1/auth/me')).statusCode).toBe(200);
      const res = await as(admin).patch(`/api/v1/users/${u.id}`, { disabled: true });
      expect(res.statusCode).toBe(200);
      expect(res.json().disabled).toBe(true);
      expect((await withCookie(token, 'GET', '/api/v1/auth/me')).statusCode).toBe(401);
      expect((await login('temp@example.com', PASSWORD)).statusCode).toBe(401);
    });
  });

  describe('users', () => {
    it('create, list, get, update; duplicate e-mail 409; weak password 400; unknown area 422', async () => {
      const created = await as(admin).post('/api/v1/users', { email: 'ursula@example.com', displayName: 'Ursula', password: PASSWORD, roles: ['analyst', 'auditor'] });
      expect(created.statusCode).toBe(201);
      const u = created.json();
      expect(u).toMatchObject({ email: 'ursula@example.com', displayName: 'Ursula', roles: ['analyst', 'auditor'], disabled: false, lastLoginAt: null });
      expect(created.body).not.toContain(PASSWORD);
      const stored = await sys().query<{ password_hash: string }>('select password_hash from users where id = $1', [u.id]);
      expect(stored[0]!.password_hash).toMatch(/^\$argon2id\$/);

      const list = await as(admin).get('/api/v1/users');
      expect(list.json().items.map((x: { email: string }) => x.email)).toContain('ursula@example.com');
      expect((await as(admin).get(`/api/v1/users/${u.id}`)).json().id).toBe(u.id);
      expect((await as(admin).get('/api/v1/users/usr_nope')).statusCode).toBe(404);

      const upd = await as(admin).patch(`/api/v1/users/${u.id}`, { displayName: 'Ursula K', roles: ['steward'] });
      expect(upd.statusCode).toBe(200);
      expect(upd.json()).toMatchObject({ displayName: 'Ursula K', roles: ['steward'] });
      expect((await as(admin).patch('/api/v1/users/usr_nope', { displayName: 'X' })).statusCode).toBe(404);

      const dupe = await as(admin).post('/api/v1/users', { email: 'URSULA@example.com', displayName: 'Other', password: PASSWORD, roles: ['analyst'] });
      expect(dupe.statusCode).toBe(409);
      expect(dupe.json().error.code).toBe('CONFLICT');

      const weak = await as(admin).post('/api/v1/users', { email: 'weak@example.com', displayName: 'Weak', password: 'short', roles: ['analyst'] });
      expect(weak.statusCode).toBe(400);
      expect(weak.json().error.details.map((d: { field: string }) => d.field)).toContain('password');
      const weakUpdate = await as(admin).patch(`/api/v1/users/${u.id}`, { password: 'short' });
      expect(weakUpdate.statusCode).toBe(400);
      expect(weakUpdate.json().error.details.map((d: { field: string }) => d.field)).toContain('password');

      const badRole = await as(admin).post('/api/v1/users', { email: 'role@example.com', displayName: 'R', password: PASSWORD, roles: ['superuser'] });
      expect(badRole.statusCode).toBe(400);
      const badEmail = await as(admin).post('/api/v1/users', { email: 'not-an-email', displayName: 'R', password: PASSWORD, roles: ['analyst'] });
      expect(badEmail.statusCode).toBe(400);
      const badArea = await as(admin).post('/api/v1/users', { email: 'area@example.com', displayName: 'R', password: PASSWORD, roles: ['analyst'], businessAreaIds: ['ba_nope'] });
      expect(badArea.statusCode).toBe(422);
      expect(badArea.json().error.details[0]).toMatchObject({ field: 'businessAreaIds', rule: 'exists' });
      expect((await as(admin).get('/api/v1/users')).json().items.map((x: { email: string }) => x.email)).not.toContain('area@example.com');
    });

    it('disabling or demoting the last active admin → 409; with a second admin it works', async () => {
      const first = (await as(admin).post('/api/v1/users', { email: 'root@example.com', displayName: 'Root', password: PASSWORD, roles: ['admin'] })).json();
      const disable = await as(admin).patch(`/api/v1/users/${first.id}`, { disabled: true });
      expect(disable.statusCode).toBe(409);
      expect(disable.json().error.code).toBe('CONFLICT');
      const demote = await as(admin).patch(`/api/v1/users/${first.id}`, { roles: ['analyst'] });
      expect(demote.statusCode).toBe(409);
      expect((await as(admin).get(`/api/v1/users/${first.id}`)).json()).toMatchObject({ disabled: false, roles: ['admin'] });

      const second = (await as(admin).post('/api/v1/users', { email: 'root2@example.com', displayName: 'Root 2', password: PASSWORD, roles: ['admin'] })).json();
      expect((await as(admin).patch(`/api/v1/users/${first.id}`, { disabled: true })).statusCode).toBe(200);
      expect((await as(admin).patch(`/api/v1/users/${second.id}`, { disabled: true })).statusCode).toBe(409);
      expect((await as(admin).patch(`/api/v1/users/${first.id}`, { disabled: false })).statusCode).toBe(200);
    });
  });

  describe('API keys', () => {
    it('the key is shown once and stored as a SHA-256 hash', async () => {
      const res = await as(admin).post('/api/v1/api-keys', { name: 'POS integration', roles: ['steward'] });
      expect(res.statusCode).toBe(201);
      const { key, apiKey } = res.json();
      expect(key).toMatch(/^cst_[0-9a-z]{26}_[0-9a-f]{64}$/);
      expect(apiKey).toMatchObject({ name: 'POS integration', roles: ['steward'], revokedAt: null, expiresAt: null });
      const secret = key.split('_')[2];
      const [row] = await sys().query<{ secret_hash: string }>('select secret_hash from api_keys where id = $1', [apiKey.id]);
      expect(row!.secret_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(row!.secret_hash).not.toContain(secret);
      expect(key).not.toContain(row!.secret_hash);
      const all = JSON.stringify(await sys().query('select * from api_keys'));
      expect(all).not.toContain(secret);
      const list = await as(admin).get('/api/v1/api-keys');
      expect(list.json().items.map((k: { id: string }) => k.id)).toContain(apiKey.id);
      expect(list.body).not.toContain(secret);
      expect(list.body).not.toContain(row!.secret_hash);
      // The key works.
      const me = await as(key).get('/api/v1/auth/me');
      expect(me.json()).toMatchObject({ type: 'api_key', id: apiKey.id, name: 'POS integration', roles: ['steward'] });
    });

    it('a revoked key is refused at once, even right after it was used (cache cleared on revoke)', async () => {
      const { key, apiKey } = (await as(admin).post('/api/v1/api-keys', { name: 'to revoke', roles: ['analyst'] })).json();
      expect((await as(key).get('/api/v1/schemas')).statusCode).toBe(200);
      const revoked = await as(admin).del(`/api/v1/api-keys/${apiKey.id}`);
      expect(revoked.statusCode).toBe(200);
      expect(revoked.json().revokedAt).toEqual(expect.any(String));
      const res = await as(key).get('/api/v1/schemas');
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('UNAUTHENTICATED');
      // Revoking again is harmless; unknown ids are 404.
      expect((await as(admin).del(`/api/v1/api-keys/${apiKey.id}`)).json().revokedAt).toBe(revoked.json().revokedAt);
      expect((await as(admin).del('/api/v1/api-keys/key_nope')).statusCode).toBe(404);
    });

    it('an expired key is refused, also when its expiry passes while cached', async () => {
      const past = new Date(Date.now() - 60_000).toISOString();
      const expired = (await as(admin).post('/api/v1/api-keys', { name: 'expired', roles: ['analyst'], expiresAt: past })).json();
      expect((await as(expired.key).get('/api/v1/schemas')).statusCode).toBe(401);

      const soon = (await as(admin).post('/api/v1/api-keys', { name: 'soon', roles: ['analyst'], expiresAt: new Date(Date.now() + 1_200).toISOString() })).json();
      expect((await as(soon.key).get('/api/v1/schemas')).statusCode).toBe(200);
      await new Promise((r) => setTimeout(r, 1_400));
      expect((await as(soon.key).get('/api/v1/schemas')).statusCode).toBe(401);

      const bad = await as(admin).post('/api/v1/api-keys', { name: 'x', roles: ['analyst'], expiresAt: 'tomorrow' });
      expect(bad.statusCode).toBe(400);
    });

    it('a key with the right id but a wrong secret is refused', async () => {
      const { key } = (await as(admin).post('/api/v1/api-keys', { name: 'forged', roles: ['admin'] })).json();
      const forged = `${key.slice(0, -64)}${'0'.repeat(64)}`;
      expect((await as(forged).get('/api/v1/schemas')).statusCode).toBe(401);
    });
  });

  describe('business areas', () => {
    it('create 201, duplicate 409, list; an area-scoped key lists only its areas', async () => {
      const created = await as(admin).post('/api/v1/business-areas', { name: 'nordics', description: 'Nordic stores' });
      expect(created.statusCode).toBe(201);
      expect(created.json()).toMatchObject({ name: 'nordics', description: 'Nordic stores' });
      expect(created.json().id).toMatch(/^ba_/);
      const dupe = await as(admin).post('/api/v1/business-areas', { name: 'nordics' });
      expect(dupe.statusCode).toBe(409);
      expect((await as(admin).post('/api/v1/business-areas', { name: '' })).statusCode).toBe(400);
      const other = (await as(admin).post('/api/v1/business-areas', { name: 'iberia' })).json();
      const all = (await as(admin).get('/api/v1/business-areas')).json().items.map((a: { name: string }) => a.name);
      expect(all).toEqual(expect.arrayContaining(['iberia', 'nordics']));
      const scoped = (await sys().key('analyst', { businessAreaIds: [other.id] })).key;
      expect((await as(scoped).get('/api/v1/business-areas')).json().items.map((a: { name: string }) => a.name)).toEqual(['iberia']);
      const keyWithArea = await as(admin).post('/api/v1/api-keys', { name: 'scoped', roles: ['steward'], businessAreaIds: [created.json().id] });
      expect(keyWithArea.statusCode).toBe(201);
      expect(keyWithArea.json().apiKey.businessAreaIds).toEqual([created.json().id]);
      expect((await as(admin).post('/api/v1/api-keys', { name: 'scoped', roles: ['steward'], businessAreaIds: ['ba_nope'] })).statusCode).toBe(422);
    });
  });

  it('every governance write is audited', async () => {
    const actions = new Set((await sys().services.audit.list(Actor.system(), { limit: 1000 })).map((e) => e.action));
    for (const a of ['user.create', 'user.update', 'apikey.create', 'apikey.revoke', 'business_area.create', 'auth.login', 'auth.logout', 'auth.login_failed']) {
      expect(actions, a).toContain(a);
    }
  });
});
