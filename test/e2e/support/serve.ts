// Starts Custodian like `custodian serve`, plus the console (until app.ts registers it itself), on a free port.
// Prints `LISTENING <url>` on stdout once ready. Used by the end-to-end tests; run with tsx.
import { createGoldenServices, registerGoldenModuleRoutes } from '../../../src/modules/golden/golden.wiring.js';
import { createIngestService, registerIngestRoutes } from '../../../src/modules/ingest/index.js';
import { QualityService, registerQualityRoutes } from '../../../src/modules/quality/index.js';
import { loadConfig } from '../../../src/platform/config/config.js';
import { buildApp } from '../../../src/server/app.js';
import { registerConsole } from '../../../src/server/console-static.js';
import { openRuntime } from '../../../src/server/runtime.js';

const config = loadConfig();
const services = await openRuntime(config);
await services.governance.bootstrapAdmin(config.adminEmail, config.adminPassword);
const app = await buildApp(services, { logLevel: config.logLevel, secureCookies: false });
// Until app.ts wires golden records, ingestion and quality itself, register them here as their own tests do.
// after() loads plugins registered so far (the ingest routes live in one), so hasRoute sees what app.ts added.
await app.after();
if (!app.hasRoute({ method: 'GET', url: '/api/v1/review-tasks' })) {
  registerGoldenModuleRoutes(app, createGoldenServices(services));
}
if (!app.hasRoute({ method: 'GET', url: '/api/v1/imports' })) {
  registerIngestRoutes(app, createIngestService(services, { dataDir: config.dataDir }));
}
if (!app.hasRoute({ method: 'GET', url: '/api/v1/quality/kpis' })) {
  registerQualityRoutes(app, new QualityService(services.database, services.audit, services.schemas, services.sources));
}
await registerConsole(app);
const sealer = setInterval(() => void services.audit.seal().catch(() => undefined), 500);
sealer.unref();
await app.listen({ port: config.port, host: '127.0.0.1' });
const addr = app.server.address();
const port = typeof addr === 'object' && addr ? addr.port : config.port;
process.stdout.write(`LISTENING http://127.0.0.1:${port}\n`);

const stop = async () => {
  clearInterval(sealer);
  await app.close().catch(() => undefined);
  await services.database.close().catch(() => undefined);
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
