import type { Command } from 'commander';
import { startConsentJobs } from '../../modules/consent/index.js';
import { startGoldenBackground } from '../../modules/golden/golden.wiring.js';
import { startDailySnapshots } from '../../modules/quality/index.js';
import { loadConfig } from '../../platform/config/config.js';
import { startStatisticsRefresh } from '../../platform/db/statistics.js';
import { buildApp } from '../../server/app.js';
import { openRuntime } from '../../server/runtime.js';
import { run } from '../output.js';

const SEAL_EVERY_MS = 500;

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Start the Custodian server (embedded PGlite in CUSTODIAN_DATA_DIR unless DATABASE_URL is set)')
    .option('-p, --port <port>', 'port to listen on (overrides PORT)')
    .option('--host <host>', 'address to bind (overrides HOST)')
    .action((opts: { port?: string; host?: string }) =>
      run(async () => {
        const config = loadConfig({ ...process.env, ...(opts.port ? { PORT: opts.port } : {}), ...(opts.host ? { HOST: opts.host } : {}) });
        const where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${config.dataDir}`;
        process.stderr.write(`Custodian: opening ${where} and applying migrations…\n`);
        const services = await openRuntime(config);
        const admin = await services.governance.bootstrapAdmin(config.adminEmail, config.adminPassword);
        const app = await buildApp(services, { logLevel: config.logLevel, secureCookies: config.secureCookies });
        const sealer = setInterval(() => {
          services.audit.seal().catch((err: unknown) => app.log.error({ err }, 'audit sealing failed'));
        }, SEAL_EVERY_MS);
        sealer.unref();
        // The daily pass reads every record; give a freshly started server 15 minutes before the first one.
        const daily = startDailySnapshots(services.quality, services.database, {
          firstCheckAfterMs: 15 * 60_000,
          onError: (err: unknown) => app.log.error({ err }, 'daily quality snapshot failed'),
        });
        // PGlite has no autovacuum: keep the planner's statistics current as API writes add up.
        const statistics = startStatisticsRefresh(services.database, { onError: (err: unknown) => app.log.error({ err }, 'statistics refresh failed') });
        const goldenJobs = startGoldenBackground(services.database, { onError: (err: unknown) => app.log.error({ err }, 'webhook delivery failed') });
        services.records.searchIndex.start({ onError: (err: unknown) => app.log.error({ err }, 'search indexing failed') });
        const consentJobs = startConsentJobs(services.consent, { onError: (err: unknown) => app.log.error({ err }, 'consent jobs failed') });
        await app.listen({ port: config.port, host: config.host });
        const addr = app.server.address();
        const port = typeof addr === 'object' && addr ? addr.port : config.port;
        const url = config.publicUrl ?? `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
        process.stderr.write(`\nCustodian is running at ${url}\n  API docs: ${url}/api/docs\n`);
        if (admin) {
          process.stderr.write(`\nFirst run: created the admin user ${admin.email}\n`);
          if (admin.password) {
            process.stderr.write(`  Password (shown only now; change it after signing in): ${admin.password}\n`);
          } else process.stderr.write('  Password: the one in CUSTODIAN_ADMIN_PASSWORD\n');
          process.stderr.write(`  Sign in: curl -c cookies.txt -H 'content-type: application/json' -d '{"email":"${admin.email}","password":"…"}' ${url}/api/v1/auth/login\n`);
        }
        let closing = false;
        const shutdown = async (signal: string) => {
          if (closing) return;
          closing = true;
          process.stderr.write(`\n${signal}: shutting down…\n`);
          clearInterval(sealer);
          daily.stop();
          statistics.stop();
          await consentJobs.stop();
          await goldenJobs.stop();
          await app.close();
          // After the last request: what it wrote is indexed now or at the next start.
          await services.records.searchIndex.stop();
          await services.audit.seal().catch(() => undefined);
          await services.database.close();
          process.exit(0);
        };
        process.on('SIGINT', () => void shutdown('SIGINT'));
        process.on('SIGTERM', () => void shutdown('SIGTERM'));
      }),
    );
}
