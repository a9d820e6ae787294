import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../auth/actor.js';
import { AppError } from '../errors/app-error.js';

export const SESSION_COOKIE = 'custodian_session';

export type ActorResolver = {
  fromApiKey(key: string, meta: { requestId: string; ip: string; userAgent: string | null }): Promise<Actor | null>;
  fromSession(token: string, meta: { requestId: string; ip: string; userAgent: string | null }): Promise<Actor | null>;
};

/** Authenticates every request (bearer API key or console session cookie); only `config.public` routes skip it. */
export function authHook(resolver: ActorResolver) {
  return async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    req.actor = null;
    req.sessionToken = null;
    const meta = { requestId: String(req.id), ip: req.ip, userAgent: req.headers['user-agent'] ?? null };
    const auth = req.headers.authorization;
    if (auth) {
      const m = /^Bearer\s+(\S+)$/i.exec(auth);
      req.actor = m ? await resolver.fromApiKey(m[1]!, meta) : null;
      // Public routes (health, sign-in, portal) ignore a bad key instead of refusing the request.
      if (!req.actor && !req.routeOptions.config?.public) throw new AppError('UNAUTHENTICATED', 'The API key is invalid, expired or revoked');
    } else {
      const token = req.cookies?.[SESSION_COOKIE];
      if (token) {
        req.actor = await resolver.fromSession(token, meta);
        if (req.actor) req.sessionToken = token;
      }
    }
    if (!req.actor && !req.routeOptions.config?.public) {
      throw new AppError('UNAUTHENTICATED', 'Sign in or send an API key (Authorization: Bearer …)');
    }
  };
}

/** The authenticated actor of a non-public route. */
export function actorOf(req: FastifyRequest): Actor {
  if (!req.actor) throw new AppError('UNAUTHENTICATED', 'Sign in or send an API key (Authorization: Bearer …)');
  return req.actor;
}
