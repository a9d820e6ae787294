import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { registerAuditRoutes } from '../modules/audit/audit.routes.js';
import { registerConsentRoutes, registerPortalRoutes } from '../modules/consent/index.js';
import { registerCustomerRoutes } from '../modules/customers/customers.routes.js';
import { registerGoldenModuleRoutes } from '../modules/golden/golden.wiring.js';
import { registerGovernanceRoutes } from '../modules/governance/governance.routes.js';
import { registerIngestRoutes } from '../modules/ingest/index.js';
import { registerQualityRoutes } from '../modules/quality/index.js';
import { registerRecordRoutes } from '../modules/records/records.routes.js';
import { registerSchemaRoutes } from '../modules/schemas/schemas.routes.js';
import { registerSourceRoutes } from '../modules/sources/sources.routes.js';
import { authHook } from '../platform/http/auth-hook.js';
import { errorHandler, notFoundHandler } from '../platform/http/error-handler.js';
import type { HttpApp } from '../platform/http/types.js';
import { registerConsole } from './console-static.js';
import type { Services } from './services.js';

export type AppOptions = {
  logLevel?: string;
  secureCookies?: boolean;
  version?: string;
  /** Serve the web console at `/` (default true). */
  console?: boolean;
  /** Leave out the routes of these modules (tests that register them with their own configuration). */
  exclude?: ReadonlyArray<'ingest' | 'quality' | 'golden' | 'consent'>;
};

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Builds the HTTP API: authentication on every route, zod validation, OpenAPI from the same schemas. */
export async function buildApp(services: Services, opts: AppOptions = {}): Promise<HttpApp> {
  const app = Fastify({
    logger: { level: opts.logLevel ?? 'info', redact: ['req.headers.authorization', 'req.headers.cookie'] },
    bodyLimit: 10 * 1024 * 1024,
    trustProxy: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  }).withTypeProvider() as unknown as HttpApp;

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  app.decorateRequest('actor', null);
  app.decorateRequest('sessionToken', null);
  app.addHook('onRequest', async (req, reply) => {
    void reply.header('x-request-id', String(req.id));
  });

  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Custodian API', description: 'Customer master data management', version: opts.version ?? '0.1.0' },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'API key: cst_…' },
          session: { type: 'apiKey', in: 'cookie', name: 'custodian_session' },
        },
      },
      security: [{ apiKey: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  const resolver = {
    fromApiKey: (key: string, meta: { requestId: string; ip: string }) => services.governance.actorForApiKey(key, meta),
    fromSession: (token: string, meta: { requestId: string; ip: string }) => services.governance.actorForSession(token, meta),
  };
  const checkAuth = authHook(resolver);
  app.addHook('preHandler', async (req, reply) => {
    // The docs UI plugin registers its own routes; they are public like the OpenAPI document.
    if (req.url.startsWith('/api/docs')) return;
    await checkAuth(req, reply);
  });

  app.get('/health', { config: { public: true }, schema: { tags: ['platform'], summary: 'Liveness', response: { 200: z.object({ status: z.literal('ok') }) } } }, async () => ({ status: 'ok' as const }));
  app.get('/ready', {
    config: { public: true },
    schema: { tags: ['platform'], summary: 'Readiness: the database answers', response: { 200: z.object({ status: z.literal('ready'), database: z.string() }), 503: z.object({ status: z.literal('unavailable'), database: z.string() }) } },
  }, async (_req, reply) => {
    try {
      await services.database.raw('select 1');
      return { status: 'ready' as const, database: services.database.kind };
    } catch {
      return reply.status(503).send({ status: 'unavailable' as const, database: services.database.kind });
    }
  });
  app.get('/api/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());

  registerGovernanceRoutes(app, services.governance, { secureCookies: (proto) => opts.secureCookies ?? proto === 'https' });
  registerSchemaRoutes(app, services.schemas, services.records);
  registerSourceRoutes(app, services.sources);
  registerRecordRoutes(app, services.records);
  const without = new Set(opts.exclude ?? []);
  if (!without.has('ingest')) registerIngestRoutes(app, services.ingest);
  if (!without.has('quality')) registerQualityRoutes(app, services.quality);
  if (!without.has('golden')) registerGoldenModuleRoutes(app, services);
  if (!without.has('consent')) {
    registerConsentRoutes(app, services.consent);
    registerPortalRoutes(app, services.consent.portal);
  }
  registerCustomerRoutes(app, services.customers);
  registerAuditRoutes(app, services.audit);

  // Registered as a plugin (not awaited) so callers can still add routes before `ready()`.
  if (opts.console !== false) void app.register(async (scope) => registerConsole(scope as unknown as HttpApp));
  return app;
}
