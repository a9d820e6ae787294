import { z } from 'zod';
import { CONSENT_STATUSES } from './consent-state.js';

export const LAWFUL_BASES = ['consent', 'contract', 'legal_obligation', 'vital_interests', 'public_task', 'legitimate_interests'] as const;
export const CONSENT_SOURCES = ['pos', 'web_form', 'portal', 'import', 'agent', 'api', 'system'] as const;
export const DEFAULT_CHANNELS = [
  { key: 'email', name: 'E-mail' },
  { key: 'sms', name: 'Text message (SMS)' },
  { key: 'phone', name: 'Phone call' },
  { key: 'post', name: 'Post' },
  { key: 'push', name: 'App notification' },
  { key: 'in_store', name: 'In store' },
] as const;

const key = z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'must be snake_case: a-z first, then a-z, 0-9, _');
const isoDateTime = z.iso.datetime({ offset: true });

export const createPurposeBody = z
  .object({
    key,
    name: z.string().min(1).max(200),
    description: z.string().max(2000).optional(),
    noticeText: z.string().min(1).max(20_000),
    channels: z.array(key).max(50).default([]),
    defaultValidityMonths: z.number().int().min(1).max(600).nullable().optional(),
  })
  .strict();

export const updatePurposeBody = z
  .object({
    name: z.string().min(1).max(200).optional(),
    description: z.string().max(2000).nullable().optional(),
    // A changed text becomes a new notice version; consents keep the version they were given under.
    noticeText: z.string().min(1).max(20_000).optional(),
    channels: z.array(key).max(50).optional(),
    defaultValidityMonths: z.number().int().min(1).max(600).nullable().optional(),
    archived: z.boolean().optional(),
  })
  .strict();

export const createChannelBody = z.object({ key, name: z.string().min(1).max(200) }).strict();

export const proofInput = z
  .object({
    formId: z.string().max(200).optional(),
    noticeId: z.string().max(200).optional(),
    ip: z.string().max(100).optional(),
    userAgent: z.string().max(1000).optional(),
  })
  .strict();

export const recordConsentBody = z
  .object({
    customer: z.string().min(1).max(200),
    purpose: z.string().min(1).max(200),
    channel: z.string().min(1).max(63),
    status: z.enum(['granted', 'denied', 'withdrawn']),
    lawfulBasis: z.enum(LAWFUL_BASES).default('consent'),
    // Defaults to the purpose's current notice version.
    noticeVersion: z.number().int().min(1).optional(),
    capturedAt: isoDateTime.optional(),
    validUntil: isoDateTime.nullable().optional(),
    source: z.enum(CONSENT_SOURCES).default('api'),
    proof: proofInput.default({}),
  })
  .strict();
export type RecordConsentInput = z.input<typeof recordConsentBody>;

export const withdrawBody = z
  .object({ customer: z.string().min(1).max(200), purpose: z.string().min(1).max(200), channel: z.string().min(1).max(63), source: z.enum(CONSENT_SOURCES).default('api'), proof: proofInput.default({}) })
  .strict();

export const importConsentBody = z
  .object({
    // JSON rows (same fields as a single consent) or CSV text with a header row of those field names.
    rows: z.array(z.record(z.string(), z.unknown())).max(10_000).optional(),
    csv: z.string().max(20 * 1024 * 1024).optional(),
  })
  .strict()
  .refine((b) => (b.rows === undefined) !== (b.csv === undefined), 'send either rows or csv');

export const checkQuery = z.object({ customer: z.string().min(1).max(200), purpose: z.string().min(1).max(200), channel: z.string().min(1).max(63) });

export const marketingExportBody = z
  .object({ purpose: z.string().min(1).max(200), channel: z.string().min(1).max(63), format: z.enum(['json', 'csv']).default('json') })
  .strict();

export const consentStatus = z.enum(CONSENT_STATUSES);

export const purposeView = z.object({
  id: z.string(),
  key: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  channels: z.array(z.string()),
  defaultValidityMonths: z.number().nullable(),
  currentNoticeVersion: z.number(),
  noticeText: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  archivedAt: z.string().nullable(),
});
export type PurposeView = z.infer<typeof purposeView>;

export const noticeVersionView = z.object({ version: z.number(), text: z.string(), createdAt: z.string(), createdBy: z.string().nullable() });
export type NoticeVersionView = z.infer<typeof noticeVersionView>;
export const channelView = z.object({ key: z.string(), name: z.string() });
export type ChannelView = z.infer<typeof channelView>;

export const consentEventView = z.object({
  id: z.string(),
  seq: z.number(),
  customerId: z.string(),
  purposeId: z.string(),
  purpose: z.string(),
  channel: z.string(),
  status: consentStatus,
  lawfulBasis: z.string(),
  noticeVersion: z.number().nullable(),
  capturedAt: z.string(),
  validUntil: z.string().nullable(),
  source: z.string(),
  actorType: z.string(),
  actorId: z.string().nullable(),
  proof: z.record(z.string(), z.unknown()),
  recordedAt: z.string(),
});
export type ConsentEventView = z.infer<typeof consentEventView>;

export const consentStateView = z.object({
  purposeId: z.string(),
  purpose: z.string(),
  channel: z.string(),
  status: consentStatus,
  effective: z.enum(['granted', 'denied', 'withdrawn', 'expired']),
  allowed: z.boolean(),
  eventId: z.string(),
  lawfulBasis: z.string(),
  noticeVersion: z.number().nullable(),
  capturedAt: z.string(),
  validUntil: z.string().nullable(),
});
export type ConsentStateView = z.infer<typeof consentStateView>;

export const checkResultView = z.object({
  allowed: z.boolean(),
  reason: z.string(),
  customer: z.string(),
  purpose: z.string(),
  channel: z.string(),
  status: consentStatus.nullable(),
  decidingRecord: z
    .object({ eventId: z.string(), status: consentStatus, lawfulBasis: z.string(), noticeVersion: z.number().nullable(), capturedAt: z.string(), validUntil: z.string().nullable() })
    .nullable(),
  checkedAt: z.string(),
});
export type CheckResult = z.infer<typeof checkResultView>;

export const coverageView = z.object({
  customers: z.number(),
  purposes: z.array(
    z.object({
      purpose: z.string(),
      name: z.string(),
      consented: z.number(),
      share: z.number().nullable(),
      byChannel: z.array(z.object({ channel: z.string(), consented: z.number(), share: z.number().nullable() })),
    }),
  ),
  computedAt: z.string(),
});
export type CoverageView = z.infer<typeof coverageView>;

// ---- console support ----

/** GET /api/v1/dsr/customers/:id/restriction: whether processing of the customer is restricted. */
export const restrictionStatusView = z.object({ customerId: z.string(), restricted: z.boolean() });
export type RestrictionStatusView = z.infer<typeof restrictionStatusView>;
