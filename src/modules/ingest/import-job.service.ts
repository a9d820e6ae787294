import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { TextDecoder } from 'node:util';
import { extname } from 'node:path';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Actor } from '../../platform/auth/actor.js';
import { canonicalJson } from '../../platform/canonical-json.js';
import type { Database, Executor, Tx } from '../../platform/db/database.js';
import { rows } from '../../platform/db/database.js';
import { hasSqlState } from '../../platform/db/sql-state.js';
import { AppError } from '../../platform/errors/app-error.js';
import { newId } from '../../platform/ids.js';
import { JobQueue } from '../../platform/jobs/index.js';
import type { AuditService } from '../audit/index.js';
import type { IncomingRecord, RecordsService, WriteContext } from '../records/index.js';
import { RESTRICTED_RULE, restrictedKeys } from '../dsr/restriction-guard.js';
import { prepareRecords, writeRecordBatch } from '../records/index.js';
import type { ResolvedRules } from '../quality/rules.js';
import { loadRules } from '../quality/rules.js';
import type { SchemasService } from '../schemas/index.js';
import { validateCompiled } from '../schemas/index.js';
import type { SourceRow, SourcesService } from '../sources/index.js';
import { buildMapping, describeMapping, MappingError } from './column-mapping.js';
import { openCsv, sniffDelimiter } from './csv.reader.js';
import type { RowRange } from './committed-rows.js';
import { CommittedRows, committedPrefix } from './committed-rows.js';
import { conflictKeys, heldKeys, inheritedKeys } from './conflict-keys.js';
import type { FileProbe } from './file-probe.js';
import { probeFile } from './file-probe.js';
import type { ImportOptions, QuarantineError } from './ingest.schemas.js';
import { importJobBatches, importJobs } from './ingest.tables.js';
import type { JobRow } from './job-view.js';
import { openJsonl } from './jsonl.reader.js';
import type { FileReader, ReadRow } from './reader.types.js';
import { FileFormatError } from './reader.types.js';
import type { MappedRow } from './row-mapper.js';
import { RowMapper } from './row-mapper.js';
import { laneBudget, WritePipeline, writerLanes } from './write-pipeline.js';
import { openXlsx } from './xlsx.reader.js';
import { batchAudit } from './batch-audit.js';

export type IngestDeps = {
  database: Database;
  audit: AuditService;
  schemas: SchemasService;
  sources: SourcesService;
  records: RecordsService;
};

/** Options stored with a job: everything that decides how its file is read and mapped. */
type StoredOptions = {
  format: 'csv' | 'jsonl' | 'xlsx';
  encoding?: string;
  delimiter?: string;
  sheet?: string;
  map?: Record<string, string>;
  key?: string;
  dateFormats?: Record<string, string>;
  batchSize: number;
  auditMode: 'record' | 'batch';
  /** Batches written at once on PostgreSQL (default 2); see writerLanes. */
  writers?: number;
  /** Present (false) only when the import skips match on arrival, so earlier jobs keep their identity hash. */
  matchOnArrival?: false;
};

export type FileRef = { path: string; name: string };
export type Progress = (job: JobRow) => void;
export type Prepared = { job: JobRow; reused: boolean };

type Counters = { read: number; created: number; updated: number; unchanged: number; rejected: number };
type QuarantineRow = { row: number; line: number; key: string | null; recordId: string | null; values: Record<string, unknown> | null; rawText: string | null; errors: QuarantineError[] };
type Candidate = Extract<MappedRow, { ok: true }> & { record?: IncomingRecord };

const DEFAULT_BATCH = 5000;
// Rows prepared between two yields to the event loop, so the batch being written keeps its statements flowing.
const PREPARE_SLICE = 250;
const HOST = hostname();
// Whole-batch attempts when the server picks the batch as a deadlock victim, before going row by row.
const DEADLOCK_RETRIES = 3;

/**
 * Import jobs: prepares a job for a file (identity by content hash, resume or reuse of an earlier run),
 * then streams the file in batches, each committed in one transaction together with its row range and the
 * job's counters, so a crash leaves the job resumable exactly at the rows no batch committed. On PostgreSQL
 * several batches are written at once (see WritePipeline); their commits may come out of order.
 */
export class ImportJobService {
  readonly queue = new JobQueue();

  constructor(private readonly deps: IngestDeps) {}

  /**
   * Validates options and the file, then finds the job to run: a completed identical import is reused
   * (no-op unless `force`), an unfinished one is resumed, otherwise a new job is queued.
   */
  async prepare(actor: Actor, file: FileRef, opts: ImportOptions): Promise<Prepared> {
    actor.require('records:write');
    const source = await this.resolveSource(actor, opts);
    if (source.archivedAt) throw AppError.conflict(`Source ${source.name} is archived; unarchive it to import`, [{ field: 'source', rule: 'archived', message: 'source is archived' }]);
    const probe = await probeFile(file.path);
    if (probe.size === 0) throw AppError.validation('The file is empty', [{ field: 'file', rule: 'empty_file', message: 'the file has no content' }]);
    const stored = this.storedOptions(file, opts, probe);
    const ctx = await this.deps.records.writeContext(source);
    // Open once now so an unreadable file or a bad mapping is refused before a job exists.
    const detected = await this.inspect(file.path, stored, ctx, probe);
    const optionsHash = createHash('sha256')
      .update(canonicalJson({ ...stored, batchSize: undefined, auditMode: undefined, writers: undefined }))
      .digest('hex');

    if (!opts.dryRun && !opts.force) {
      const [prev] = await this.deps.database.db
        .select()
        .from(importJobs)
        .where(and(eq(importJobs.sourceId, source.id), eq(importJobs.fileSha256, probe.sha256), eq(importJobs.mode, opts.mode), eq(importJobs.optionsHash, optionsHash), eq(importJobs.dryRun, false)))
        .orderBy(desc(importJobs.createdAt))
        .limit(1);
      if (prev) {
        if (prev.state === 'completed') return { job: prev, reused: true };
        if ((prev.state === 'running' || prev.state === 'queued') && this.isAlive(prev)) {
          if (prev.runnerPid !== process.pid || this.queue.has(prev.id)) return { job: prev, reused: true };
        }
        // Failed, cancelled, interrupted or orphaned: resume where its last batch committed.
        const [job] = await this.deps.database.db
          .update(importJobs)
          .set({ state: 'queued', filePath: file.path, fileName: file.name, options: stored, runnerHost: HOST, runnerPid: process.pid, heartbeatAt: new Date(), updatedAt: new Date() })
          .where(eq(importJobs.id, prev.id))
          .returning();
        return { job: job!, reused: false };
      }
    }
    const [job] = await this.deps.database.db
      .insert(importJobs)
      .values({
        id: newId('job'),
        sourceId: source.id,
        schemaId: source.schemaId,
        state: 'queued',
        mode: opts.mode,
        dryRun: opts.dryRun,
        format: stored.format,
        fileName: file.name,
        filePath: file.path,
        fileSha256: probe.sha256,
        fileSize: probe.size,
        optionsHash,
        options: stored,
        detected,
        warnings: (detected.warnings as string[]) ?? [],
        runnerHost: HOST,
        runnerPid: process.pid,
        heartbeatAt: new Date(),
        createdBy: actor.id ?? actor.name,
      })
      .returning();
    return { job: job!, reused: false };
  }

  /** Runs (or resumes) a prepared job to its end in this process, one job per source at a time. */
  run(actor: Actor, job: JobRow, onProgress?: Progress): Promise<JobRow> {
    return this.queue.submit({ id: job.id, lane: job.sourceId, run: (signal) => this.execute(actor, job.id, signal, onProgress) });
  }

  /** Asks a running job to stop after its current batch; a queued job stops before starting. */
  async cancel(actor: Actor, jobId: string): Promise<JobRow> {
    actor.require('records:write');
    const job = await this.get(jobId);
    if (this.queue.cancel(jobId)) return job;
    if (job.state === 'queued' || job.state === 'interrupted' || (job.state === 'running' && !this.isAlive(job))) {
      const [row] = await this.deps.database.db.update(importJobs).set({ state: 'cancelled', updatedAt: new Date(), finishedAt: new Date() }).where(eq(importJobs.id, jobId)).returning();
      return row!;
    }
    if (job.state === 'running') throw AppError.conflict('The job runs in another process; cancel it there', [{ field: 'id', rule: 'other_process', message: `runner ${job.runnerHost}:${job.runnerPid}` }]);
    throw AppError.conflict(`The job is ${job.state}; only queued or running jobs can be cancelled`, [{ field: 'state', rule: 'not_cancellable', message: job.state }]);
  }

  async get(jobId: string): Promise<JobRow> {
    const [job] = await this.deps.database.db.select().from(importJobs).where(eq(importJobs.id, jobId));
    if (!job) throw AppError.notFound('Import job', jobId);
    return job;
  }

  /** Marks jobs whose runner is gone (this host's dead pids, or a stale heartbeat) as interrupted. */
  async recoverOrphans(staleAfterMs = 120_000): Promise<number> {
    const list = await this.deps.database.db.select().from(importJobs).where(sql`${importJobs.state} in ('running', 'queued')`);
    let n = 0;
    for (const j of list) {
      if (this.queue.has(j.id)) continue;
      if (j.runnerHost === HOST && j.runnerPid !== null && j.runnerPid !== process.pid && pidAlive(j.runnerPid)) continue;
      if (j.runnerHost !== HOST && j.heartbeatAt && Date.now() - j.heartbeatAt.getTime() < staleAfterMs) continue;
      await this.deps.database.db.update(importJobs).set({ state: 'interrupted', updatedAt: new Date() }).where(and(eq(importJobs.id, j.id), sql`${importJobs.state} in ('running', 'queued')`));
      n += 1;
    }
    return n;
  }

  private isAlive(j: JobRow): boolean {
    if (j.runnerHost === HOST && j.runnerPid !== null) return j.runnerPid === process.pid ? this.queue.has(j.id) : pidAlive(j.runnerPid);
    return j.heartbeatAt !== null && Date.now() - j.heartbeatAt.getTime() < 120_000;
  }

  private async resolveSource(actor: Actor, opts: ImportOptions): Promise<SourceRow> {
    let source: SourceRow | undefined;
    try {
      source = await this.deps.sources.resolve(actor, opts.source);
    } catch (err) {
      if (!(err instanceof AppError && err.code === 'NOT_FOUND')) throw err;
    }
    if (!source) {
      if (!opts.schema) throw AppError.validation(`Unknown source "${opts.source}"`, [{ field: 'source', rule: 'exists', message: `no source ${opts.source}; create it first or give a schema to create it with` }]);
      // Creating the source on the fly needs the same right as creating it directly.
      const created = await this.deps.sources.create(actor, { name: opts.source, schema: opts.schema, systemType: 'other' });
      return this.deps.sources.resolve(actor, created.id);
    }
    if (opts.schema) {
      const schema = await this.deps.schemas.resolveId(actor, opts.schema).catch(() => {
        throw AppError.validation('Unknown schema', [{ field: 'schema', rule: 'exists', message: `no schema ${opts.schema}` }]);
      });
      if (schema.id !== source.schemaId) {
        throw AppError.conflict(`Source ${source.name} uses another schema`, [{ field: 'schema', rule: 'schema_mismatch', message: `source ${source.name} is validated against ${source.schemaId}` }]);
      }
    }
    return source;
  }

  private storedOptions(file: FileRef, opts: ImportOptions, probe: FileProbe): StoredOptions {
    const ext = extname(file.name).toLowerCase();
    let format: StoredOptions['format'];
    let delimiter = opts.delimiter === undefined ? undefined : parseDelimiter(opts.delimiter);
    if (opts.format === 'tsv' || (!opts.format && (ext === '.tsv' || ext === '.tab'))) {
      format = 'csv';
      delimiter ??= '\t';
    } else if (opts.format) format = opts.format;
    else if (ext === '.jsonl' || ext === '.ndjson') format = 'jsonl';
    else if (ext === '.xlsx') format = 'xlsx';
    else if (ext === '.csv' || ext === '.txt') format = 'csv';
    else if (probe.head.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) format = 'xlsx';
    else format = /^\s*\{/.test(probe.head.subarray(0, 1024).toString('latin1').replace(/^\uFEFF|^\u00ef\u00bb\u00bf/, '')) ? 'jsonl' : 'csv';
    const out: StoredOptions = { format, batchSize: opts.batchSize ?? DEFAULT_BATCH, auditMode: opts.auditMode ?? 'batch' };
    if (format !== 'xlsx') {
      out.encoding = chooseEncoding(opts.encoding, probe);
      if (format === 'csv') out.delimiter = delimiter ?? sniffDelimiter(new TextDecoder(out.encoding).decode(probe.head));
    } else if (opts.sheet) out.sheet = opts.sheet;
    if (opts.map) out.map = opts.map;
    if (opts.key) out.key = opts.key;
    if (opts.dateFormats) out.dateFormats = opts.dateFormats;
    if (opts.writers !== undefined) out.writers = opts.writers;
    if (opts.matchOnArrival === false) out.matchOnArrival = false;
    return out;
  }

  private async open(path: string, o: StoredOptions): Promise<FileReader> {
    if (o.format === 'xlsx') return openXlsx({ path, sheet: o.sheet });
    if (o.format === 'jsonl') return openJsonl({ path, encoding: o.encoding ?? 'utf-8' });
    return openCsv({ path, encoding: o.encoding ?? 'utf-8', delimiter: o.delimiter ?? ',' });
  }

  private async inspect(path: string, o: StoredOptions, ctx: WriteContext, probe: FileProbe): Promise<Record<string, unknown>> {
    let reader: FileReader;
    try {
      reader = await this.open(path, o);
    } catch (err) {
      throw asValidation(err);
    }
    try {
      const warnings = [...reader.warnings];
      if (o.encoding === 'windows-1252' && !probe.validUtf8) warnings.push(`not valid UTF-8 (first bad byte near offset ${probe.firstInvalidUtf8At}); read as Windows-1252`);
      const out: Record<string, unknown> = { ...reader.details, bom: probe.bom !== null, warnings };
      if (reader.headers) {
        const mapping = mapOrThrow(() => buildMapping(reader.headers!, ctx.definition, { map: o.map, key: o.key }));
        warnings.push(...mapping.warnings);
        if (!mapping.keyColumn) warnings.push('no key column found (customer_id, id, external_id…): every row will be quarantined as missing_key; name one with --key');
        Object.assign(out, { headers: reader.headers, keyColumn: mapping.keyColumn, mapping: describeMapping(mapping) });
      }
      for (const col of Object.keys(o.dateFormats ?? {})) {
        if (!ctx.definition.attributes.some((a) => a.name === col)) throw AppError.validation('Unknown attribute in date formats', [{ field: `dateFormats.${col}`, rule: 'unknown_attribute', message: `"${col}" is not an attribute of the schema` }]);
      }
      return out;
    } finally {
      await reader.close();
    }
  }

  private async execute(actor: Actor, jobId: string, signal: AbortSignal, onProgress?: Progress): Promise<JobRow> {
    const db = this.deps.database.db;
    let job = await this.get(jobId);
    if (signal.aborted) return this.finish(job, 'cancelled', 0);
    const started = Date.now();
    [job] = (await db.update(importJobs).set({ state: 'running', startedAt: new Date(), finishedAt: null, errorCode: null, errorMessage: null, runnerHost: HOST, runnerPid: process.pid, heartbeatAt: new Date(), updatedAt: new Date() }).where(eq(importJobs.id, jobId)).returning()) as [JobRow];
    onProgress?.(job);
    let reader: FileReader | undefined;
    let pipeline: WritePipeline | undefined;
    // Rows committed by earlier runs of this job, and by this run's batches once their commit returned.
    const committed = new CommittedRows(job.checkpointRow);
    // Write lanes taken from the process's budget, given back once every write of this run has settled.
    let granted = 0;
    try {
      for (const r of await this.committedRanges(jobId)) committed.add(r);
      const o = job.options as StoredOptions;
      const [source] = [...(await this.deps.sources.byIds([job.sourceId])).values()];
      if (!source) throw new FileFormatError('unknown_source', `source ${job.sourceId} no longer exists`);
      const ctx: WriteContext & { dateFormats?: Record<string, string> } = { ...(await this.deps.records.writeContext(source)), dateFormats: o.dateFormats, verifiedBy: 'import-rule' };
      // A bulk load without match on arrival: each new record keeps its own customer until a re-match.
      const skipMatch = o.matchOnArrival === false && ctx.customerAssigner?.withoutMatching !== undefined;
      if (skipMatch) ctx.customerAssigner = ctx.customerAssigner!.withoutMatching!();
      reader = await this.open(job.filePath, o);
      const mapping = reader.headers ? buildMapping(reader.headers, ctx.definition, { map: o.map, key: o.key }) : null;
      const mapper = new RowMapper(ctx.definition, reader.headers, mapping, { map: o.map, key: o.key, strictColumns: o.format === 'csv' });
      const sink = new BatchSink(this.deps, actor, job, ctx, committed);
      // Rules are read once here, outside any transaction (PGlite has one connection); the writer still
      // checks them per batch and reassesses if they changed.
      const rules = job.dryRun ? null : await loadRules(db, source.schemaId, ctx.definition);
      // Pipeline: while batches are written (the database works, on up to `lanes` connections), the next
      // one is read, mapped, validated and standardized (Node works).
      const wanted = writerLanes(o.writers, this.deps.database.connections, { dryRun: job.dryRun, matchOnArrival: ctx.customerAssigner !== undefined && !skipMatch });
      const lanes = (granted = laneBudget(this.deps.database).take(wanted));
      // The lanes this run writes with, for the job view (the budget may grant fewer than asked).
      await db
        .update(importJobs)
        .set({ detected: sql`coalesce(${importJobs.detected}, '{}'::jsonb) || ${JSON.stringify({ writers: lanes })}::jsonb` })
        .where(eq(importJobs.id, jobId));
      const writes = (pipeline = new WritePipeline(lanes));
      // With one lane on PostgreSQL, match on arrival scores the next batch while the database writes this one
      // (on PGlite the database runs on this thread, and with more lanes there is no matching).
      const ahead: ScoreAhead | null = rules && lanes === 1 && this.deps.database.kind === 'postgres' && !skipMatch && ctx.customerAssigner?.prescore ? { ex: db, owner: {}, writing: new Set() } : null;
      let batch: ReadRow[] = [];
      const flush = async (): Promise<void> => {
        const rowsRead = batch;
        batch = [];
        const bytes = reader!.bytesRead();
        const mapped = await prepareBatch(rowsRead, mapper, ctx, rules, ahead);
        // With one lane nothing can conflict: skip collecting keys.
        const keys = lanes > 1 ? conflictKeys(ctx, mapped) : new Set<string>();
        if (lanes > 1) {
          // Unique values the batch's records release conflict too (read only if the schema has unique attributes).
          const flying = writes.inFlight();
          for (const k of await heldKeys(db, ctx, mapped)) keys.add(k);
          for (const k of inheritedKeys(keys, flying)) keys.add(k);
        }
        await writes.free();
        if (signal.aborted) return;
        // The next batch is scored while this one is written: its keys count as stored (see storedKeys).
        if (ahead) ahead.writing = new Set(mapped.filter((m) => m.ok).map((m) => m.key));
        writes.start(keys, async () => {
          const j = await sink.commit(mapped, bytes);
          job = j;
          onProgress?.(j);
        });
      };
      for await (const r of reader.rows) {
        // Rows committed by an earlier run of this job (up to the checkpoint, or in a committed batch).
        if (committed.has(r.row)) continue;
        batch.push(r);
        if (batch.length >= o.batchSize) {
          await flush();
          if (signal.aborted) break;
        }
      }
      if (!signal.aborted && batch.length > 0) await flush();
      await writes.drain();
      return await this.finish(job, signal.aborted ? 'cancelled' : 'completed', Date.now() - started, reader.bytesRead(), undefined, committed.prefix());
    } catch (err) {
      // A read error can surface while batches are still being written: let them commit (or fail) first.
      await pipeline?.settle();
      const code = err instanceof FileFormatError ? err.rule : err instanceof AppError ? err.code : 'internal';
      return this.finish(job, 'failed', Date.now() - started, undefined, { code, message: err instanceof Error ? err.message : String(err) }, committed.prefix());
    } finally {
      if (granted > 0) laneBudget(this.deps.database).give(granted);
      await reader?.close().catch(() => undefined);
    }
  }

  private async committedRanges(jobId: string): Promise<RowRange[]> {
    const list = await this.deps.database.db.select().from(importJobBatches).where(eq(importJobBatches.jobId, jobId));
    return list.map((b) => ({ first: b.firstRow, last: b.lastRow }));
  }

  /** Ends a run; `prefix` is the committed prefix this run knows of (batches may have committed out of order). */
  private async finish(job: JobRow, state: string, ms: number, bytes?: number, error?: { code: string; message: string }, prefix = 0): Promise<JobRow> {
    const [row] = await this.deps.database.db
      .update(importJobs)
      .set({
        state,
        checkpointRow: sql`greatest(${importJobs.checkpointRow}, ${prefix})`,
        runSeconds: sql`${importJobs.runSeconds} + ${Math.round(ms / 1000)}`,
        finishedAt: new Date(),
        updatedAt: new Date(),
        heartbeatAt: new Date(),
        ...(state === 'completed' && bytes !== undefined ? { bytesRead: bytes } : {}),
        ...(error ? { errorCode: error.code, errorMessage: error.message.slice(0, 2000) } : {}),
      })
      .where(eq(importJobs.id, job.id))
      .returning();
    // Ranges inside the checkpoint say nothing more; deleted after it committed, so a crash in between is harmless.
    await this.deps.database.db.delete(importJobBatches).where(and(eq(importJobBatches.jobId, job.id), sql`${importJobBatches.lastRow} <= ${row!.checkpointRow}`));
    return row!;
  }
}

/** Writes batches of mapped rows for one job: records, quarantine entries and the checkpoint, atomically. */
class BatchSink {
  // Dry runs cannot see their own earlier rows in the database, so they remember keys.
  private readonly seenKeys = new Set<string>();
  private readonly audit: AuditService;

  constructor(
    private readonly deps: IngestDeps,
    private readonly actor: Actor,
    private readonly job: JobRow,
    private readonly ctx: WriteContext,
    private readonly committed: CommittedRows,
  ) {
    this.audit = (job.options as StoredOptions).auditMode === 'batch' ? batchAudit(deps.audit, job.id) : deps.audit;
  }

  async commit(mapped: MappedRow[], bytesRead: number): Promise<JobRow> {
    const range: RowRange = { first: mapped[0]!.row, last: mapped[mapped.length - 1]!.row };
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.transaction((tx) => this.write(tx, mapped, range, bytesRead), range);
      } catch (err) {
        // Two batches in flight can deadlock on rows they share indirectly (a customer of two records):
        // the server aborts one; written again it goes through.
        if (attempt < DEADLOCK_RETRIES && hasSqlState(err, DEADLOCK)) continue;
        if (mapped.length === 1 || this.job.dryRun) throw err;
        break;
      }
    }
    // One row the database refuses must not stop the file: retry row by row, quarantining failures.
    // Each row's transaction extends the batch's range up to that row.
    let last: JobRow | undefined;
    for (const m of mapped) {
      const upTo: RowRange = { first: range.first, last: m.row };
      try {
        last = await this.transaction((tx) => this.write(tx, [m], upTo, bytesRead), upTo);
      } catch (e) {
        const q: QuarantineRow = { row: m.row, line: m.line, key: m.key, recordId: null, values: m.values, rawText: null, errors: [{ field: '$row', rule: 'write_error', message: (e as Error).message.slice(0, 500) }] };
        last = await this.transaction((tx) => this.save(tx, [q], { read: 1, created: 0, updated: 0, unchanged: 0, rejected: 1 }, upTo, bytesRead), upTo);
      }
    }
    return last!;
  }

  /** One transaction; once it committed, its rows count as committed for the checkpoint of later ones. */
  private async transaction(f: (tx: Tx) => Promise<JobRow>, range: RowRange): Promise<JobRow> {
    const row = await this.deps.database.db.transaction(f);
    this.committed.add(range);
    return row;
  }

  private async write(tx: Tx, mapped: MappedRow[], range: RowRange, bytesRead: number): Promise<JobRow> {
    const counters: Counters = { read: mapped.length, created: 0, updated: 0, unchanged: 0, rejected: 0 };
    const quarantine: QuarantineRow[] = [];
    let candidates: Candidate[] = [];
    for (const m of mapped) {
      if (m.ok) candidates.push(m);
      else quarantine.push({ row: m.row, line: m.line, key: m.key, recordId: null, values: m.values, rawText: m.rawText, errors: m.errors });
    }
    const append = this.job.mode === 'append';
    if (append) candidates = await this.dropDuplicateKeys(tx, candidates, quarantine);
    candidates = await this.dropRestricted(tx, candidates, quarantine);
    if (this.job.dryRun) await this.validateOnly(tx, candidates, counters, quarantine);
    else {
      // A key repeated within the batch is written in a later round, so it updates the earlier row.
      for (const round of rounds(candidates)) {
        const results = await writeRecordBatch(tx, this.audit, this.actor, this.ctx, round.map((c): IncomingRecord => c.record ?? { key: c.key, values: c.values }));
        results.forEach((r, i) => {
          const c = round[i]!;
          // A rejected row equal to an earlier rejected one comes back `unchanged`; it is still rejected.
          if (r.status === 'rejected') {
            quarantine.push({ row: c.row, line: c.line, key: c.key, recordId: r.id, values: c.values, rawText: null, errors: r.errors as QuarantineError[] });
          } else counters[r.outcome === 'rejected' ? 'rejected' : r.outcome] += 1;
        });
      }
    }
    // Every quarantined row is one rejected row, whatever the reason.
    counters.rejected = quarantine.length;
    return this.save(tx, quarantine, counters, range, bytesRead);
  }

  /** Append mode: a key that exists already, or earlier in this batch, is quarantined as duplicate_key. */
  private async dropDuplicateKeys(tx: Tx, candidates: Candidate[], quarantine: QuarantineRow[]): Promise<Candidate[]> {
    const existing = await rows<{ source_key: string }>(
      tx,
      sql`select source_key from source_records where source_id = ${this.job.sourceId} and source_key = any(${sql.param(candidates.map((c) => c.key))}::text[])`,
    );
    const taken = new Set(existing.map((e) => e.source_key));
    const out: Candidate[] = [];
    for (const c of candidates) {
      if (taken.has(c.key) || (this.job.dryRun && this.seenKeys.has(c.key))) {
        quarantine.push({ row: c.row, line: c.line, key: c.key, recordId: null, values: c.values, rawText: null, errors: [{ field: '$key', rule: 'duplicate_key', message: 'append mode: a record with this key exists already', value: c.key }] });
        continue;
      }
      taken.add(c.key);
      out.push(c);
    }
    return out;
  }

  /** A row updating a restricted customer's record is quarantined (no processing until lifted); the file goes on. */
  private async dropRestricted(tx: Tx, candidates: Candidate[], quarantine: QuarantineRow[]): Promise<Candidate[]> {
    const hit = await restrictedKeys(tx, this.job.sourceId, candidates.map((c) => c.key));
    if (hit.size === 0) return candidates;
    const out: Candidate[] = [];
    for (const c of candidates) {
      const customerId = hit.get(c.key);
      if (customerId === undefined) out.push(c);
      else quarantine.push({ row: c.row, line: c.line, key: c.key, recordId: null, values: c.values, rawText: null, errors: [{ field: '$key', rule: RESTRICTED_RULE, message: `customer ${customerId} is restricted`, value: c.key }] });
    }
    return out;
  }

  /** Dry run: validation and the created/updated/unchanged split, without writing records. */
  private async validateOnly(tx: Tx, candidates: Candidate[], counters: Counters, quarantine: QuarantineRow[]): Promise<void> {
    const existing = await rows<{ source_key: string; raw: unknown; status: string }>(
      tx,
      sql`select source_key, raw, status from source_records where source_id = ${this.job.sourceId} and source_key = any(${sql.param(candidates.map((c) => c.key))}::text[])`,
    );
    const byKey = new Map(existing.map((e) => [e.source_key, e]));
    for (const c of candidates) {
      const v = validateCompiled(this.ctx.compiled, c.values);
      if (!v.ok) {
        quarantine.push({ row: c.row, line: c.line, key: c.key, recordId: null, values: c.values, rawText: null, errors: v.errors as QuarantineError[] });
      } else {
        const prev = byKey.get(c.key);
        if (this.seenKeys.has(c.key)) counters.updated += 1;
        else if (!prev) counters.created += 1;
        else if (prev.status === 'valid' && canonicalJson(prev.raw) === canonicalJson(c.values)) counters.unchanged += 1;
        else counters.updated += 1;
      }
      this.seenKeys.add(c.key);
    }
  }

  /**
   * Quarantine rows, the batch's row range, then the job's counters: last, because concurrent batches
   * serialize on the job row's lock until commit. The checkpoint advances to the contiguous prefix of the
   * ranges in import_job_batches, read once the lock is held, so it counts every batch committed before
   * this one (correct as soon as this transaction commits).
   */
  private async save(tx: Tx, quarantine: QuarantineRow[], c: Counters, range: RowRange, bytesRead: number): Promise<JobRow> {
    if (quarantine.length > 0) {
      await tx.execute(sql`
        insert into import_quarantine (id, job_id, source_id, row_number, line, source_key, record_id, "values", raw_text, errors)
        select u.id, ${this.job.id}, ${this.job.sourceId}, u.row_number, u.line, u.key, u.record_id, u.vals, u.raw_text, u.errors
        from jsonb_to_recordset(${JSON.stringify(
          quarantine.map((q) => ({ id: newId('quarantine'), row_number: q.row, line: q.line, key: q.key, record_id: q.recordId, vals: q.values, raw_text: q.rawText, errors: q.errors })),
        )}::jsonb) as u(id text, row_number int, line int, key text, record_id text, vals jsonb, raw_text text, errors jsonb)
        on conflict (job_id, row_number) do nothing`);
    }
    await tx
      .insert(importJobBatches)
      .values({ jobId: this.job.id, firstRow: range.first, lastRow: range.last })
      .onConflictDoUpdate({ target: [importJobBatches.jobId, importJobBatches.firstRow], set: { lastRow: sql`greatest(${importJobBatches.lastRow}, excluded.last_row)` } });
    // Lock first: a statement waiting for the lock would read the ranges as they were before it waited.
    await tx.execute(sql`select 1 from import_jobs where id = ${this.job.id} for no key update`);
    const [row] = await tx
      .update(importJobs)
      .set({
        checkpointRow: sql`greatest(${importJobs.checkpointRow}, ${committedPrefix(this.job.id)})`,
        bytesRead: sql`greatest(${importJobs.bytesRead}, ${bytesRead})`,
        rowsRead: sql`${importJobs.rowsRead} + ${c.read}`,
        rowsCreated: sql`${importJobs.rowsCreated} + ${c.created}`,
        rowsUpdated: sql`${importJobs.rowsUpdated} + ${c.updated}`,
        rowsUnchanged: sql`${importJobs.rowsUnchanged} + ${c.unchanged}`,
        rowsRejected: sql`${importJobs.rowsRejected} + ${c.rejected}`,
        heartbeatAt: new Date(),
        updatedAt: new Date(),
      })
      .where(eq(importJobs.id, this.job.id))
      .returning();
    return row!;
  }
}

/**
 * Maps read rows and, unless this is a dry run, validates and standardizes them ahead of their write
 * (outside the transaction), yielding to the event loop between slices so the previous batch's
 * statements are sent as soon as the database answers.
 */
async function prepareBatch(read: ReadRow[], mapper: RowMapper, ctx: WriteContext, rules: ResolvedRules | null, ahead: ScoreAhead | null): Promise<MappedRow[]> {
  const out: MappedRow[] = [];
  const now = new Date();
  // Mapping is cheap (≈ 5 µs a row): the whole batch first, so the keys stored already are read in one statement.
  const mapped = read.map((r) => mapper.map(r));
  const keys = ahead ? await storedKeys(ctx, ahead, mapped) : new Set<string>();
  for (let i = 0; i < mapped.length; i += PREPARE_SLICE) {
    if (i > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    const slice = mapped.slice(i, i + PREPARE_SLICE);
    if (rules) {
      const records: IncomingRecord[] = [];
      for (const m of slice) {
        if (!m.ok) continue;
        const rec: IncomingRecord = { key: m.key, values: m.values };
        (m as Candidate).record = rec;
        records.push(rec);
      }
      prepareRecords(ctx, rules, records, now);
      if (ahead) await scoreAhead(ctx, ahead, records, keys);
    }
    out.push(...slice);
  }
  return out;
}

/**
 * Match on arrival scoring ahead of the write (PostgreSQL, one lane): the pool to read with, the run's token, and
 * the keys of the batch being written while the next one is scored.
 */
type ScoreAhead = { ex: Executor; owner: object; writing: Set<string> };

/**
 * Keys of the batch stored already, or in the batch being written (not yet committed, so not read here): their
 * rows are updates, never scored as new under an id that would never exist (a re-import scores nothing ahead).
 */
async function storedKeys(ctx: WriteContext, ahead: ScoreAhead, mapped: MappedRow[]): Promise<Set<string>> {
  const keys = mapped.filter((m) => m.ok).map((m) => m.key);
  if (keys.length === 0) return new Set();
  const stored = await rows<{ source_key: string }>(ahead.ex, sql`select source_key from source_records where source_id = ${ctx.source.id} and source_key = any(${sql.param(keys)}::text[])`);
  const out = new Set(stored.map((r) => r.source_key));
  for (const k of keys) if (ahead.writing.has(k)) out.add(k);
  return out;
}

/**
 * Scores the valid records of a slice as new records under reserved ids, in file order, while the database
 * writes the previous batch (CustomerAssigner.prescore). `keys` holds the keys stored already and those seen
 * earlier in the batch (written as an update of it), which are not scored as new.
 */
async function scoreAhead(ctx: WriteContext, ahead: ScoreAhead, records: IncomingRecord[], keys: Set<string>): Promise<void> {
  const fresh: IncomingRecord[] = [];
  for (const r of records) {
    if (r.prepared?.validation.ok && !keys.has(r.key)) fresh.push(r);
    keys.add(r.key);
  }
  if (fresh.length === 0) return;
  for (const r of fresh) r.prepared!.id = newId('record');
  const results = await ctx.customerAssigner!.prescore!(ahead.ex, ctx, fresh.map((r) => ({ id: r.prepared!.id!, key: r.key, values: r.prepared!.validation.values })), ahead.owner);
  results.forEach((p, i) => (fresh[i]!.prepared!.prescored = p));
}

/** Splits candidates so that no key appears twice in one writer call; order of occurrence is kept. */
function rounds(candidates: Candidate[]): Candidate[][] {
  const out: Candidate[][] = [];
  const seen = new Map<string, number>();
  for (const c of candidates) {
    const n = seen.get(c.key) ?? 0;
    seen.set(c.key, n + 1);
    (out[n] ??= []).push(c);
  }
  return out;
}

function parseDelimiter(d: string): string {
  const named: Record<string, string> = { tab: '\t', '\\t': '\t', comma: ',', semicolon: ';', pipe: '|', space: ' ' };
  const v = named[d.toLowerCase()] ?? d;
  if (v.length !== 1 || v === '"' || v === '\n' || v === '\r') throw AppError.validation('Unusable delimiter', [{ field: 'delimiter', rule: 'invalid', message: 'one character other than a quote or line break (or tab, comma, semicolon, pipe)' }]);
  return v;
}

/** Declared encoding wins; otherwise a UTF-16 BOM, then valid UTF-8, else Windows-1252. */
function chooseEncoding(declared: string | undefined, probe: FileProbe): string {
  if (declared) {
    let label: string;
    try {
      label = new TextDecoder(declared).encoding;
    } catch {
      throw AppError.validation('Unknown encoding', [{ field: 'encoding', rule: 'unknown_encoding', message: `"${declared}" is not an encoding (use utf-8, windows-1252, latin1, utf-16le…)` }]);
    }
    if (label === 'utf-8' && !probe.validUtf8) {
      throw AppError.validation('The file is not valid UTF-8', [
        { field: 'encoding', rule: 'invalid_encoding', message: `declared utf-8, but the bytes near offset ${probe.firstInvalidUtf8At} are not UTF-8; declare windows-1252 or leave the encoding to detection` },
      ]);
    }
    return label;
  }
  if (probe.bom === 'utf-16le' || probe.bom === 'utf-16be') return probe.bom;
  return probe.validUtf8 ? 'utf-8' : 'windows-1252';
}

function mapOrThrow<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof MappingError) throw AppError.validation(err.message, [{ field: err.field, rule: err.rule, message: err.message }]);
    throw err;
  }
}

function asValidation(err: unknown): unknown {
  if (err instanceof FileFormatError) return AppError.validation(err.message, [{ field: 'file', rule: err.rule, message: err.message }]);
  return err;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// 40P01 deadlock_detected.
const DEADLOCK = new Set(['40P01']);
