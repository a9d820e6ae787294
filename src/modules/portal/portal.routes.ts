import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors/app-error.js';
import type { HttpApp } from '../../platform/http/types.js';
import { customerPage, PORTAL_CSS, problemPage } from './portal-pages.js';
import type { PortalService, RequestContext, TokenResolution } from './portal.service.js';
import { SlidingWindowLimiter } from './rate-limiter.js';

export type PortalLimits = {
  /** Requests per IP per minute across the portal. */
  perIpPerMinute: number;
  /** Requests per token per minute. */
  perTokenPerMinute: number;
  /** Unknown, expired or revoked tokens per IP per 10 minutes before every portal request from it gets 429. */
  badTokensPerIp: number;
};

export const DEFAULT_PORTAL_LIMITS: PortalLimits = { perIpPerMinute: 120, perTokenPerMinute: 60, badTokensPerIp: 20 };

const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  // The token is in the path: never send it on as a referrer, never cache the page.
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'x-robots-tag': 'noindex, nofollow',
};

type TokenParams = { token: string };
type FormBody = Record<string, string | undefined>;

/**
 * The customer-facing portal under /portal/:token (public routes: the token is the credential).
 * Server-rendered pages, POST + redirect forms with single-use nonces, per-IP and per-token rate limits.
 */
export function registerPortalRoutes(app: HttpApp, portal: PortalService, limits: PortalLimits = DEFAULT_PORTAL_LIMITS): void {
  const perIp = new SlidingWindowLimiter(limits.perIpPerMinute, 60_000);
  const perToken = new SlidingWindowLimiter(limits.perTokenPerMinute, 60_000);
  const badTokens = new SlidingWindowLimiter(limits.badTokensPerIp, 10 * 60_000);
  const help = portal.config.help;

  const plugin = async (scope: FastifyInstance): Promise<void> => {
    // Plain HTML forms post urlencoded bodies; only these routes accept them.
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    });
    scope.addHook('onSend', async (_req, reply, payload) => {
      void reply.headers(SECURITY_HEADERS);
      return payload;
    });

    const html = (reply: FastifyReply, status: number, body: string): FastifyReply => reply.status(status).type('text/html; charset=utf-8').send(body);
    const ctxOf = (req: FastifyRequest): RequestContext => ({ ip: req.ip, userAgent: req.headers['user-agent'] ?? null, requestId: String(req.id) });

    /** Rate limits and token resolution; sends the friendly page and returns null when the request stops here. */
    const open = async (req: FastifyRequest<{ Params: TokenParams }>, reply: FastifyReply): Promise<Extract<TokenResolution, { kind: 'ok' }> | null> => {
      if (badTokens.blocked(req.ip) || !perIp.hit(req.ip)) {
        void reply.header('retry-after', String(Math.max(badTokens.retryAfter(req.ip), perIp.retryAfter(req.ip), 1)));
        html(reply, 429, problemPage('rate_limited', help));
        return null;
      }
      const res = await portal.resolveToken(req.params.token);
      if (res.kind !== 'ok') {
        // Counting misses per IP makes guessing tokens (already 2^-256 per try) also slow.
        badTokens.hit(req.ip);
        html(reply, res.kind === 'unknown' ? 404 : 410, problemPage(res.kind, help));
        return null;
      }
      if (!perToken.hit(res.tokenId)) {
        void reply.header('retry-after', String(perToken.retryAfter(res.tokenId)));
        html(reply, 429, problemPage('rate_limited', help));
        return null;
      }
      return res;
    };

    const render = async (req: FastifyRequest, reply: FastifyReply, token: string, t: Extract<TokenResolution, { kind: 'ok' }>, status: number, extra: { message?: string; error?: string; errorField?: string } = {}): Promise<FastifyReply> => {
      const [page, nonce] = await Promise.all([portal.page(t.customerId, t.expiresAt), portal.issueNonce(t.tokenId)]);
      if (status === 200 && !extra.message) await portal.auditView(t.customerId, t.tokenId, ctxOf(req));
      return html(reply, status, customerPage(token, page, nonce, { organisation: portal.config.organisation, ...extra }));
    };

    /** Runs one form action: checks the nonce (CSRF + single use), then redirects to the page with a message. */
    const action = (name: string, run: (t: Extract<TokenResolution, { kind: 'ok' }>, body: FormBody, ctx: RequestContext) => Promise<string>) =>
      async (req: FastifyRequest<{ Params: TokenParams; Body: FormBody }>, reply: FastifyReply): Promise<FastifyReply> => {
        const t = await open(req, reply);
        if (!t) return reply;
        const body = (req.body && typeof req.body === 'object' ? req.body : {}) as FormBody;
        if (!(await portal.consumeNonce(t.tokenId, String(body.nonce ?? '')))) return html(reply, 409, problemPage('used', help));
        try {
          const message = await run(t, body, ctxOf(req));
          return reply.redirect(`/portal/${req.params.token}?m=${message}`, 303);
        } catch (err) {
          if (!(err instanceof AppError)) throw err;
          if (err.message === 'restricted' || (err.code === 'CONFLICT' && /restricted/.test(err.message))) return reply.redirect(`/portal/${req.params.token}?m=restricted`, 303);
          if (err.code === 'VALIDATION_FAILED' || err.code === 'NOT_FOUND' || err.code === 'BAD_REQUEST') {
            const detail = err.details[0];
            const field = name === 'correct' ? `${body.record}.${body.attribute}` : undefined;
            return render(req, reply, req.params.token, t, 422, { error: `That did not work: ${detail ? `${detail.message}` : err.message}. Please check and try again.`, errorField: field });
          }
          throw err;
        }
      };

    scope.get('/portal/assets/portal.css', { config: { public: true }, schema: { hide: true } }, async (_req, reply) =>
      reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(PORTAL_CSS),
    );

    scope.get<{ Params: TokenParams; Querystring: { m?: string } }>('/portal/:token', { config: { public: true }, logLevel: 'warn', schema: { hide: true } }, async (req, reply) => {
      const t = await open(req, reply);
      if (!t) return reply;
      const m = typeof req.query.m === 'string' && /^[a-z_]{1,20}$/.test(req.query.m) ? req.query.m : undefined;
      return render(req, reply, req.params.token, t, 200, { message: m });
    });

    scope.post<{ Params: TokenParams; Body: FormBody }>('/portal/:token/verify', { config: { public: true }, logLevel: 'warn', schema: { hide: true } }, action('verify', async (t, b, ctx) => {
      await portal.verify(t.customerId, String(b.record ?? ''), String(b.attribute ?? ''), ctx);
      return 'verified';
    }));

    scope.post<{ Params: TokenParams; Body: FormBody }>('/portal/:token/correct', { config: { public: true }, logLevel: 'warn', schema: { hide: true } }, action('correct', async (t, b, ctx) => {
      if (typeof b.value !== 'string' || b.value.length > 2000) throw AppError.validation('Invalid value', [{ field: 'value', rule: 'maxLength', message: 'please enter at most 2,000 characters' }]);
      return (await portal.correct(t.customerId, String(b.record ?? ''), String(b.attribute ?? ''), b.value, ctx)) === 'applied' ? 'corrected' : 'queued';
    }));

    scope.post<{ Params: TokenParams; Body: FormBody }>('/portal/:token/consent', { config: { public: true }, logLevel: 'warn', schema: { hide: true } }, action('consent', async (t, b, ctx) => {
      const decision = b.decision === 'grant' ? 'grant' : b.decision === 'withdraw' ? 'withdraw' : null;
      if (!decision) throw new AppError('BAD_REQUEST', 'Unknown choice');
      await portal.setConsent(t.customerId, String(b.purpose ?? ''), String(b.channel ?? ''), decision, ctx);
      return decision === 'grant' ? 'granted' : 'withdrawn';
    }));

    scope.post<{ Params: TokenParams; Body: FormBody }>('/portal/:token/erasure', { config: { public: true }, logLevel: 'warn', schema: { hide: true } }, action('erasure', async (t, b, ctx) => {
      if (b.confirm !== 'yes') throw new AppError('BAD_REQUEST', 'Please confirm');
      await portal.requestErasure(t.customerId, ctx);
      return 'erasure';
    }));

    scope.get<{ Params: TokenParams; Querystring: { format?: string } }>('/portal/:token/download', { config: { public: true }, logLevel: 'warn', schema: { hide: true } }, async (req, reply) => {
      const t = await open(req, reply);
      if (!t) return reply;
      const format = req.query.format === 'csv' ? 'csv' : 'json';
      const body = await portal.download(t.customerId, format, ctxOf(req));
      return reply
        .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="my-data.${format}"`)
        .send(body);
    });
  };
  void app.register(plugin as never);
}
