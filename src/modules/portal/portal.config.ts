import { resolve } from 'node:path';
import { z } from 'zod';

// Read here until these variables move into the central config (src/platform/config/config.ts).
const envSchema = z.object({
  CUSTODIAN_DATA_DIR: z.string().min(1).default('./data'),
  CUSTODIAN_PUBLIC_URL: z.url().optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  CUSTODIAN_SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://').optional(),
  CUSTODIAN_MAIL_FROM: z.string().min(3).default('Custodian <no-reply@localhost>'),
  CUSTODIAN_PORTAL_TOKEN_TTL_DAYS: z.coerce.number().positive().max(90).default(7),
  CUSTODIAN_PORTAL_CORRECTIONS: z.enum(['apply', 'review']).default('apply'),
  CUSTODIAN_PORTAL_ORGANISATION: z.string().min(1).max(200).default('our company'),
  CUSTODIAN_PORTAL_HELP: z.string().min(1).max(1000).default('Ask for a new link at any of our stores or from our customer service.'),
  CUSTODIAN_DSR_DEADLINE_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  CUSTODIAN_CONSENT_JOBS_INTERVAL_SECONDS: z.coerce.number().int().min(5).max(86_400).default(300),
});

export type PortalConfig = {
  dataDir: string;
  outboxDir: string;
  publicUrl: string;
  smtpUrl: string | undefined;
  mailFrom: string;
  tokenTtlDays: number;
  corrections: 'apply' | 'review';
  organisation: string;
  help: string;
  dsrDeadlineDays: number;
  jobsIntervalSeconds: number;
};

/** Portal, mail, DSR and consent-job settings from the environment (empty strings count as unset). */
export function readPortalConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<PortalConfig> = {}): PortalConfig {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const e = envSchema.parse(cleaned);
  const dataDir = resolve(e.CUSTODIAN_DATA_DIR);
  return {
    dataDir,
    outboxDir: resolve(dataDir, 'outbox'),
    publicUrl: (e.CUSTODIAN_PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    smtpUrl: e.CUSTODIAN_SMTP_URL,
    mailFrom: e.CUSTODIAN_MAIL_FROM,
    tokenTtlDays: e.CUSTODIAN_PORTAL_TOKEN_TTL_DAYS,
    corrections: e.CUSTODIAN_PORTAL_CORRECTIONS,
    organisation: e.CUSTODIAN_PORTAL_ORGANISATION,
    help: e.CUSTODIAN_PORTAL_HELP,
    dsrDeadlineDays: e.CUSTODIAN_DSR_DEADLINE_DAYS,
    jobsIntervalSeconds: e.CUSTODIAN_CONSENT_JOBS_INTERVAL_SECONDS,
    ...overrides,
  };
}
