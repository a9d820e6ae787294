import { z } from 'zod';
import { actorOf } from '../../platform/http/auth-hook.js';
import { stdErrors } from '../../platform/http/common.schemas.js';
import type { HttpApp } from '../../platform/http/types.js';
import { auditEntryView, auditVerifyView } from './audit.schemas.js';
import type { AuditService } from './audit.service.js';

export function registerAuditRoutes(app: HttpApp, audit: AuditService): void {
  app.get('/api/v1/audit', {
    schema: {
      tags: ['audit'],
      summary: 'Audit log, newest first',
      querystring: z.object({
        entityType: z.string().max(100).optional(),
        entityId: z.string().max(200).optional(),
        actorId: z.string().max(200).optional(),
        action: z.string().max(100).optional(),
        from: z.iso.datetime({ offset: true }).optional(),
        to: z.iso.datetime({ offset: true }).optional(),
        before: z.coerce.number().int().min(1).optional(),
        limit: z.coerce.number().int().min(1).max(1000).default(100),
      }),
      response: { 200: z.object({ items: z.array(auditEntryView), nextBefore: z.number().nullable() }), ...stdErrors },
    },
  }, async (req) => {
    const q = req.query;
    const items = await audit.list(actorOf(req), {
      entityType: q.entityType,
      entityId: q.entityId,
      actorId: q.actorId,
      action: q.action,
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
      afterSeq: q.before,
      limit: q.limit,
    });
    return { items, nextBefore: items.length === q.limit ? items[items.length - 1]!.seq : null };
  });

  app.post('/api/v1/audit/verify', { schema: { tags: ['audit'], summary: 'Verify the hash chain; names the first broken entry', response: { 200: auditVerifyView, ...stdErrors } } }, async (req) => {
    actorOf(req).require('audit:read');
    return audit.verify();
  });
}
