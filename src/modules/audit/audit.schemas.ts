import { z } from 'zod';

// Response shapes of the audit routes; the console infers its types from these.
export const auditEntryView = z.object({
  seq: z.number(),
  id: z.string(),
  at: z.string(),
  actorType: z.string(),
  actorId: z.string().nullable(),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string().nullable(),
  requestId: z.string().nullable(),
  ip: z.string().nullable(),
  payload: z.unknown(),
  sealed: z.boolean(),
});

export const auditVerifyView = z.object({
  ok: z.boolean(),
  checked: z.number(),
  unsealed: z.number(),
  redacted: z.number(),
  firstBroken: z.object({ seq: z.number(), id: z.string(), chainPos: z.number().nullable(), reason: z.string() }).nullable(),
});
export type AuditEntryView = z.infer<typeof auditEntryView>;
export type AuditVerifyView = z.infer<typeof auditVerifyView>;
