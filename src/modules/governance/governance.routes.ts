import { z } from 'zod';
import { actorOf, SESSION_COOKIE } from '../../platform/http/auth-hook.js';
import { idParam, stdErrors } from '../../platform/http/common.schemas.js';
import type { HttpApp } from '../../platform/http/types.js';
import type { GovernanceService } from './governance.service.js';
import { apiKeyView, meView, businessAreaView, createApiKeySchema, createBusinessAreaSchema, createUserSchema, loginSchema, updateUserSchema, userView } from './governance.schemas.js';


export function registerGovernanceRoutes(app: HttpApp, governance: GovernanceService, opts: { secureCookies: (proto: string) => boolean }): void {
  app.post('/api/v1/auth/login', {
    config: { public: true },
    schema: { tags: ['auth'], summary: 'Sign in to the console (sets a session cookie)', body: loginSchema, response: { 200: z.object({ user: userView, expiresAt: z.string() }), ...stdErrors } },
  }, async (req, reply) => {
    const { token, expiresAt, user } = await governance.login(req.body.email, req.body.password, { requestId: String(req.id), ip: req.ip, userAgent: req.headers['user-agent'] ?? null });
    void reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', path: '/', secure: opts.secureCookies(req.protocol), expires: expiresAt });
    return { user, expiresAt: expiresAt.toISOString() };
  });

  app.post('/api/v1/auth/logout', { schema: { tags: ['auth'], summary: 'Sign out', response: { 204: z.null() } } }, async (req, reply) => {
    if (req.sessionToken) await governance.logout(req.sessionToken, actorOf(req));
    void reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send(null);
  });

  app.get('/api/v1/auth/me', { schema: { tags: ['auth'], summary: 'Who am I', response: { 200: meView, 401: stdErrors[401] } } }, async (req) => {
    const a = actorOf(req);
    return { type: a.type, id: a.id, name: a.name, roles: [...a.roles], permissions: [...a.permissions].sort(), businessAreaIds: [...a.businessAreaIds] };
  });

  app.get('/api/v1/business-areas', { schema: { tags: ['governance'], response: { 200: z.object({ items: z.array(businessAreaView) }) } } }, async (req) => ({
    items: await governance.listBusinessAreas(actorOf(req)),
  }));
  app.post('/api/v1/business-areas', { schema: { tags: ['governance'], body: createBusinessAreaSchema, response: { 201: businessAreaView, ...stdErrors } } }, async (req, reply) =>
    reply.status(201).send(await governance.createBusinessArea(actorOf(req), req.body)),
  );

  app.get('/api/v1/users', { schema: { tags: ['governance'], response: { 200: z.object({ items: z.array(userView) }), ...stdErrors } } }, async (req) => ({
    items: await governance.listUsers(actorOf(req)),
  }));
  app.post('/api/v1/users', { schema: { tags: ['governance'], body: createUserSchema, response: { 201: userView, ...stdErrors } } }, async (req, reply) =>
    reply.status(201).send(await governance.createUser(actorOf(req), req.body)),
  );
  app.get('/api/v1/users/:id', { schema: { tags: ['governance'], params: idParam, response: { 200: userView, ...stdErrors } } }, async (req) =>
    governance.getUser(actorOf(req), req.params.id),
  );
  app.patch('/api/v1/users/:id', { schema: { tags: ['governance'], params: idParam, body: updateUserSchema, response: { 200: userView, ...stdErrors } } }, async (req) =>
    governance.updateUser(actorOf(req), req.params.id, req.body),
  );

  app.get('/api/v1/api-keys', { schema: { tags: ['governance'], response: { 200: z.object({ items: z.array(apiKeyView) }), ...stdErrors } } }, async (req) => ({
    items: await governance.listApiKeys(actorOf(req)),
  }));
  app.post('/api/v1/api-keys', {
    schema: { tags: ['governance'], summary: 'Create an API key (the key is shown only in this response)', body: createApiKeySchema, response: { 201: z.object({ key: z.string(), apiKey: apiKeyView }), ...stdErrors } },
  }, async (req, reply) => reply.status(201).send(await governance.createApiKey(actorOf(req), req.body)));
  app.delete('/api/v1/api-keys/:id', { schema: { tags: ['governance'], summary: 'Revoke an API key', params: idParam, response: { 200: apiKeyView, ...stdErrors } } }, async (req) =>
    governance.revokeApiKey(actorOf(req), req.params.id),
  );
}
