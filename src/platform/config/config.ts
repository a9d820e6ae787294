import { z } from 'zod';

const boolish = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  CUSTODIAN_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  CUSTODIAN_ADMIN_EMAIL: z.email().optional(),
  CUSTODIAN_ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
  CUSTODIAN_PUBLIC_URL: z.url().optional(),
  CUSTODIAN_IMPORT_DIR: z.string().min(1).optional(),
  CUSTODIAN_SESSION_TTL_HOURS: z.coerce.number().positive().max(24 * 90).default(12),
  CUSTODIAN_SECURE_COOKIES: boolish.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  databasePoolSize: number;
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  publicUrl: string | undefined;
  importDir: string | undefined;
  sessionTtlHours: number;
  secureCookies: boolean | undefined;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the configuration once; a bad value names the variable and stops start-up. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings are treated as unset so `FOO= custodian serve` behaves like no FOO.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  if ((e.CUSTODIAN_ADMIN_EMAIL === undefined) !== (e.CUSTODIAN_ADMIN_PASSWORD === undefined)) {
    throw new ConfigError(['CUSTODIAN_ADMIN_EMAIL and CUSTODIAN_ADMIN_PASSWORD must be set together']);
  }
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: e.CUSTODIAN_DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    adminEmail: e.CUSTODIAN_ADMIN_EMAIL,
    adminPassword: e.CUSTODIAN_ADMIN_PASSWORD,
    publicUrl: e.CUSTODIAN_PUBLIC_URL,
    importDir: e.CUSTODIAN_IMPORT_DIR,
    sessionTtlHours: e.CUSTODIAN_SESSION_TTL_HOURS,
    secureCookies: e.CUSTODIAN_SECURE_COOKIES,
    logLevel: e.LOG_LEVEL,
  };
}
