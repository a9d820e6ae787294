import type { TestProject } from 'vitest/node';
import { startPostgres } from './postgres-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string | null;
  }
}

function isCi(): boolean {
  const v = process.env.CI;
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}

// One PostgreSQL server for the whole run; each test file creates its own database in it.
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const server = await startPostgres();
  if (!server) {
    const why = 'no server binaries (>= 15) in /usr/lib/postgresql/*/bin or pg_config --bindir, and no CUSTODIAN_TEST_DATABASE_URL';
    // CI must always exercise the real-PostgreSQL tier; skipping there would hide regressions.
    if (isCi()) throw new Error(`PostgreSQL tier cannot run in CI: ${why}`);
    console.warn(`\n\u26a0 PostgreSQL tier SKIPPED: ${why}\n`);
    project.provide('pgUrl', null);
    return async () => undefined;
  }
  const shown = server.url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
  console.log(`PostgreSQL tier: ${shown} (ready in ${Date.now() - started} ms)`);
  project.provide('pgUrl', server.url);
  return async () => {
    await server.stop();
  };
}
