import { existsSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { buffer } from 'node:stream/consumers';
import cliProgress from 'cli-progress';
import { InvalidArgumentError, type Command } from 'commander';
import { Actor } from '../../platform/auth/actor.js';
import { loadConfig } from '../../platform/config/config.js';
import { AppError } from '../../platform/errors/app-error.js';
import { createIngestService, type ImportJobView } from '../../modules/ingest/index.js';
import { openRuntime } from '../../server/runtime.js';
import { run } from '../output.js';

type ImportFlags = {
  source: string;
  schema?: string;
  map: Record<string, string>;
  key?: string;
  mode: 'upsert' | 'append';
  dryRun?: boolean;
  force?: boolean;
  format?: 'csv' | 'tsv' | 'jsonl' | 'xlsx';
  delimiter?: string;
  encoding?: string;
  sheet?: string;
  dateFormat: Record<string, string>;
  batchSize?: number;
  auditMode?: 'record' | 'batch';
  writers?: number;
  match: boolean;
  report?: string;
  json?: boolean;
  progress: boolean;
};

function pair(v: string, prev: Record<string, string>): Record<string, string> {
  const eq = v.indexOf('=');
  if (eq <= 0 || eq === v.length - 1) throw new InvalidArgumentError(`expected COLUMN=VALUE, got "${v}".`);
  return { ...prev, [v.slice(0, eq)]: v.slice(eq + 1) };
}

function positiveInt(v: string): number {
  const n = Number(v.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new InvalidArgumentError('must be an integer from 1 to 10000.');
  return n;
}

function cliActor(): Actor {
  let who = 'unknown';
  try {
    who = userInfo().username;
  } catch {
    // no passwd entry (containers)
  }
  return Actor.system(`cli:${who}`);
}

const fmt = (n: number): string => n.toLocaleString('en-US');

function summaryLine(j: ImportJobView): string {
  const c = j.counters;
  return `${fmt(c.read)} read, ${fmt(c.created)} created, ${fmt(c.updated)} updated, ${fmt(c.unchanged)} unchanged, ${fmt(c.rejected)} quarantined`;
}

/** Register `custodian import FILE --source NAME …`. */
export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description('Import a CSV/TSV, JSON Lines or XLSX file into a source (resumable, idempotent)')
    .argument('<file>', 'file to import')
    .requiredOption('--source <name>', 'source (dataset) to import into')
    .option('--schema <name>', 'schema the source uses (creates the source with it when missing)')
    .option('--map <col=attr>', 'map a column to an attribute (repeatable); address parts as addr.postcode', pair, {})
    .option('--key <column>', 'column holding the source key (default: customer_id, id, external_id…)')
    .option('--mode <mode>', 'upsert (create or update by key) or append (existing keys are quarantined)', (v) => {
      if (v !== 'upsert' && v !== 'append') throw new InvalidArgumentError('use upsert or append.');
      return v;
    }, 'upsert')
    .option('--dry-run', 'validate everything and report, write no records')
    .option('--force', 're-import a file whose import already completed')
    .option('--format <format>', 'csv, tsv, jsonl or xlsx (default: from the extension or content)')
    .option('--delimiter <char>', 'field delimiter (default: detected); tab, comma, semicolon, pipe or one character')
    .option('--encoding <label>', 'text encoding (default: UTF-8 when valid, else Windows-1252)')
    .option('--sheet <name>', 'XLSX worksheet (default: the first)')
    .option('--date-format <attr=format>', 'date format of an attribute, e.g. birth_date=DD/MM/YYYY (repeatable)', pair, {})
    .option('--batch-size <rows>', 'rows per transaction (default 5000)', positiveInt)
    .option('--audit-mode <mode>', 'record: one audit entry per changed record; batch: one per committed batch', (v) => {
      if (v !== 'record' && v !== 'batch') throw new InvalidArgumentError('use record or batch.');
      return v;
    })
    .option('--writers <n>', 'batches written at once on PostgreSQL (1-8, default 2; one on PGlite and with match on arrival)', positiveInt)
    .option('--no-match', 'skip match on arrival (bulk load: each new record gets its own customer; run `custodian rematch` afterwards)')
    .option('--report <path>', 'write the quarantine report CSV here')
    .option('--no-progress', 'no progress output on stderr')
    .option('--json', 'print the job summary as JSON on stdout')
    .addHelpText('after', '\nExamples:\n  custodian import customers.csv --source crm --schema person\n  custodian import export.tsv --source shop --map Kundennr=customer_id --key Kundennr --dry-run\n')
    .action((file: string, flags: ImportFlags) =>
      run(async () => {
        if (!existsSync(file)) throw new AppError('BAD_REQUEST', `No such file: ${file}`);
        if (!statSync(file).isFile()) throw new AppError('BAD_REQUEST', `Not a file: ${file}`);
        const config = loadConfig();
        const services = await openRuntime(config);
        const ingest = createIngestService(services, { dataDir: config.dataDir });
        // Progress goes to stderr, so it does not disturb --json on stdout.
        const progress = flags.progress ? progressPrinter() : undefined;
        let job: ImportJobView;
        try {
          await ingest.recover();
          job = await ingest.importFile(
            cliActor(),
            file,
            {
              source: flags.source,
              schema: flags.schema,
              mode: flags.mode,
              dryRun: !!flags.dryRun,
              force: !!flags.force,
              map: Object.keys(flags.map).length ? flags.map : undefined,
              key: flags.key,
              format: flags.format,
              delimiter: flags.delimiter,
              encoding: flags.encoding,
              sheet: flags.sheet,
              dateFormats: Object.keys(flags.dateFormat).length ? flags.dateFormat : undefined,
              batchSize: flags.batchSize,
              auditMode: flags.auditMode,
              writers: flags.writers,
              ...(flags.match ? {} : { matchOnArrival: false }),
            },
            progress?.update,
          );
          progress?.stop(job);
          if (flags.report) await writeFile(flags.report, await buffer(await ingest.reportCsv(cliActor(), job.id)));
          await services.audit.seal();
        } finally {
          await services.database.close();
        }
        if (flags.json) process.stdout.write(JSON.stringify(job) + '\n');
        else {
          const what = job.reused ? 'Already imported (no-op; use --force to import again)' : job.dryRun ? 'Dry run' : `Import ${job.state}`;
          process.stdout.write(`${what}: job ${job.id}, ${summaryLine(job)}${job.rowsPerSecond ? `, ${fmt(job.rowsPerSecond)} rows/s` : ''}.\n`);
          for (const w of job.warnings) process.stdout.write(`  warning: ${w}\n`);
          if (job.counters.rejected > 0) process.stdout.write(`  quarantined rows: custodian report at GET /api/v1/imports/${job.id}/report.csv${flags.report ? ` (written to ${flags.report})` : ''}\n`);
        }
        if (job.state !== 'completed') {
          if (job.error) process.stderr.write(`Error (${job.error.code}): ${job.error.message}\n`);
          process.exitCode = 1;
        }
      }),
    );
}

/** A live bar on a terminal; plain progress lines every few seconds otherwise (logs, CI). */
function progressPrinter(): { update: (j: ImportJobView) => void; stop: (j: ImportJobView) => void } {
  const tty = process.stderr.isTTY === true;
  let lastLine = 0;
  const bar = tty
    ? new cliProgress.SingleBar(
        { stream: process.stderr, format: 'import [{bar}] {percentage}% | {read} rows | {rate} rows/s | {quarantined} quarantined | ETA {eta_formatted}', hideCursor: true },
        cliProgress.Presets.shades_classic,
      )
    : null;
  let started = false;
  return {
    update: (j) => {
      const payload = { read: fmt(j.counters.read), rate: fmt(j.rowsPerSecond), quarantined: fmt(j.counters.rejected) };
      if (bar) {
        if (!started) bar.start(1000, 0, payload);
        started = true;
        bar.update(Math.round(j.progress * 1000), payload);
        return;
      }
      if (Date.now() - lastLine >= 2000) {
        lastLine = Date.now();
        process.stderr.write(`import ${j.id}: ${Math.floor(j.progress * 100)}% ${summaryLine(j)} (${fmt(j.rowsPerSecond)} rows/s${j.etaSeconds !== null ? `, ETA ${j.etaSeconds}s` : ''})\n`);
      }
    },
    stop: (j) => {
      if (bar && started) {
        bar.update(j.state === 'completed' ? 1000 : Math.round(j.progress * 1000));
        bar.stop();
      }
    },
  };
}
