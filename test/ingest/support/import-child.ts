// Test child: imports a file into PostgreSQL without match on arrival (so batches are written two at a
// time), printing the finished job as JSON. Usage: import-child.ts <databaseUrl> <file> <source> <dataDir>
import { createIngestService } from '../../../src/modules/ingest/index.js';
import { Actor } from '../../../src/platform/auth/actor.js';
import { openDatabase } from '../../../src/platform/db/database.js';
import { createServices } from '../../../src/server/services.js';

const [url, file, source, dataDir] = process.argv.slice(2) as [string, string, string, string];
const database = await openDatabase({ databaseUrl: url, poolSize: 4 });
const services = createServices(database, { sessionTtlHours: 1 }, { matchOnArrival: false });
const ingest = createIngestService(services, { dataDir });
const job = await ingest.importFile(Actor.system('test'), file, { source, schema: 'customer', batchSize: 100, writers: 2 });
process.stdout.write(`${JSON.stringify(job)}\n`);
await database.close();
