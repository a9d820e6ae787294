import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/platform/config/config.js';

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('defaults', () => {
    expect(loadConfig({})).toEqual({
      port: 8080,
      host: '127.0.0.1',
      dataDir: './data',
      databaseUrl: undefined,
      databasePoolSize: 10,
      adminEmail: undefined,
      adminPassword: undefined,
      publicUrl: undefined,
      sessionTtlHours: 12,
      secureCookies: undefined,
      logLevel: 'info',
    });
  });

  it('reads and coerces values; empty strings count as unset', () => {
    const c = loadConfig({
      PORT: '9090',
      HOST: '0.0.0.0',
      DATABASE_URL: 'postgresql://u:p@db:5432/custodian',
      DATABASE_POOL_SIZE: '4',
      CUSTODIAN_SESSION_TTL_HOURS: '1.5',
      CUSTODIAN_SECURE_COOKIES: 'yes',
      LOG_LEVEL: 'warn',
      CUSTODIAN_DATA_DIR: '',
    });
    expect(c).toMatchObject({ port: 9090, host: '0.0.0.0', databaseUrl: 'postgresql://u:p@db:5432/custodian', databasePoolSize: 4, sessionTtlHours: 1.5, secureCookies: true, logLevel: 'warn', dataDir: './data' });
    expect(loadConfig({ CUSTODIAN_SECURE_COOKIES: '0' }).secureCookies).toBe(false);
  });

  it('PORT=abc throws a ConfigError naming PORT', () => {
    const problems = problemsOf({ PORT: 'abc' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^PORT: /);
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/PORT/);
    expect(problemsOf({ PORT: '70000' })[0]).toMatch(/^PORT: /);
  });

  it('an admin e-mail without a password (or the reverse) is rejected', () => {
    expect(problemsOf({ CUSTODIAN_ADMIN_EMAIL: 'admin@example.com' }).join('\n')).toMatch(/CUSTODIAN_ADMIN_EMAIL and CUSTODIAN_ADMIN_PASSWORD/);
    expect(problemsOf({ CUSTODIAN_ADMIN_PASSWORD: 'long-enough-password' }).join('\n')).toMatch(/CUSTODIAN_ADMIN_PASSWORD/);
    expect(problemsOf({ CUSTODIAN_ADMIN_EMAIL: 'admin@example.com', CUSTODIAN_ADMIN_PASSWORD: 'short' })[0]).toMatch(/^CUSTODIAN_ADMIN_PASSWORD: .*12/);
    expect(loadConfig({ CUSTODIAN_ADMIN_EMAIL: 'admin@example.com', CUSTODIAN_ADMIN_PASSWORD: 'long-enough-password' }).adminEmail).toBe('admin@example.com');
  });

  it('DATABASE_URL must be a PostgreSQL URL', () => {
    expect(problemsOf({ DATABASE_URL: 'mysql://u:p@db/custodian' })[0]).toMatch(/^DATABASE_URL: .*postgres/);
    expect(loadConfig({ DATABASE_URL: 'postgres://db/custodian' }).databaseUrl).toBe('postgres://db/custodian');
  });

  it('reports every bad variable at once', () => {
    const problems = problemsOf({ PORT: 'abc', LOG_LEVEL: 'loud', DATABASE_POOL_SIZE: '0', CUSTODIAN_SECURE_COOKIES: 'maybe' });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['CUSTODIAN_SECURE_COOKIES', 'DATABASE_POOL_SIZE', 'LOG_LEVEL', 'PORT']);
  });
});
