import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, isAbsolute, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { desc, eq, sql } from 'drizzle-orm';
import type { Actor } from '../../platform/auth/actor.js';
import { AppError } from '../../platform/errors/app-error.js';
import { zodDetails } from '../../platform/errors/zod-details.js';
import type { IngestDeps, Progress } from './import-job.service.js';
import { ImportJobService } from './import-job.service.js';
import type { ImportJobView, ImportOptions, ImportOptionsInput, QuarantineQuery, QuarantineView, ResubmitResult } from './ingest.schemas.js';
import { importOptionsSchema } from './ingest.schemas.js';
import { importJobs } from './ingest.tables.js';
import type { JobRow } from './job-view.js';
import { jobView } from './job-view.js';
import { QuarantineService } from './quarantine.service.js';

export type IngestConfig = {
  /** Where uploads are kept until their import completes (`<dataDir>/imports/uploads`). */
  dataDir: string;
  /** Directories server-side paths must lie in; empty or unset: any absolute path (admins only). */
  importRoots?: string[];
  /** Where background job failures are reported. */
  log?: (msg: string, err?: unknown) => void;
  /** Called after an import completed and wrote records (not for dry runs), e.g. to snapshot quality KPIs. */
  afterImport?: (job: { id: string; sourceId: string }) => Promise<void>;
};

/**
 * File ingestion: imports CSV/TSV, JSON Lines and XLSX files into a source as background jobs with
 * progress, resume after a crash, idempotent re-imports, dry runs and a correctable quarantine.
 */
export class IngestService {
  readonly jobs: ImportJobService;
  readonly quarantine: QuarantineService;

  constructor(
    private readonly deps: IngestDeps,
    private readonly config: IngestConfig,
  ) {
    this.jobs = new ImportJobService(deps);
    this.quarantine = new QuarantineService(deps);
  }

  /** Parses import options (API body, multipart fields, CLI) or throws a 422 naming the field. */
  parseOptions(input: unknown): ImportOptions {
    const r = importOptionsSchema.safeParse(input);
    if (!r.success) throw AppError.validation('Invalid import options', zodDetails(r.error));
    return r.data;
  }

  /**
   * Imports a file in the foreground (CLI): resumes an unfinished identical import, returns a completed
   * one unchanged (`reused`), otherwise runs a new job to its end. `onProgress` sees each committed batch.
   */
  async importFile(actor: Actor, path: string, input: ImportOptionsInput, onProgress?: (job: ImportJobView) => void): Promise<ImportJobView> {
    const opts = this.parseOptions(input);
    const file = await this.checkFile(path, 'path');
    const { job, reused } = await this.jobs.prepare(actor, { path: file, name: basename(file) }, opts);
    if (reused) return { ...(await this.view(job)), reused: true };
    const name = await this.sourceName(job.sourceId);
    const progress: Progress | undefined = onProgress ? (j) => onProgress(jobView(j, name)) : undefined;
    const done = await this.jobs.run(actor, job, progress);
    await this.notifyCompleted(done);
    return jobView(done, name);
  }

  private async notifyCompleted(job: { id: string; sourceId: string; state: string; dryRun: boolean }): Promise<void> {
    if (job.state !== 'completed' || job.dryRun || !this.config.afterImport) return;
    try {
      await this.config.afterImport(job);
    } catch (err) {
      this.config.log?.(`after-import hook of job ${job.id} failed`, err);
    }
  }

  /** Starts an import of a server-side file in the background (admins only). */
  async startFromPath(actor: Actor, path: string, input: unknown): Promise<ImportJobView> {
    if (!actor.roles.includes('admin')) throw AppError.forbidden('Only administrators can import files from the server');
    if (!isAbsolute(path)) throw AppError.validation('The path must be absolute', [{ field: 'path', rule: 'absolute', message: 'give an absolute path on the server' }]);
    const opts = this.parseOptions(input);
    const file = await this.checkFile(path, 'path');
    if (this.config.importRoots && this.config.importRoots.length > 0) {
      const roots = await Promise.all(this.config.importRoots.map((r) => realpath(r).catch(() => resolve(r))));
      if (!roots.some((r) => file === r || file.startsWith(r.endsWith(sep) ? r : r + sep))) {
        throw AppError.forbidden(`Server-side imports must come from ${this.config.importRoots.join(', ')}`);
      }
    }
    return this.startPrepared(actor, { path: file, name: basename(file) }, opts, false);
  }

  /**
   * Starts an import of an uploaded stream in the background: the upload is stored under the data
   * directory by content hash (re-uploads of the same file share it), then the job is queued.
   */
  async startFromUpload(actor: Actor, fileName: string, stream: Readable, input: unknown): Promise<ImportJobView> {
    actor.require('records:write');
    const opts = this.parseOptions(input);
    const stored = await this.saveUpload(fileName, stream);
    return this.startPrepared(actor, { path: stored, name: basename(fileName) || 'upload' }, opts, true);
  }

  /** Resumes an interrupted, failed or cancelled job in the background. */
  async resume(actor: Actor, jobId: string): Promise<ImportJobView> {
    actor.require('records:write');
    const job = await this.visibleJob(actor, jobId);
    if (job.state === 'completed') return { ...(await this.view(job)), reused: true };
    if (job.dryRun) throw AppError.conflict('A dry run cannot be resumed; start a new one', [{ field: 'id', rule: 'dry_run', message: 'dry run' }]);
    const opts = this.parseOptions({ ...(job.options as object), source: job.sourceId, mode: job.mode });
    return this.startPrepared(actor, { path: job.filePath, name: job.fileName }, opts, false);
  }

  async getJob(actor: Actor, jobId: string): Promise<ImportJobView> {
    actor.require('records:read');
    return this.view(await this.visibleJob(actor, jobId));
  }

  async listJobs(actor: Actor, q: { source?: string; state?: string; limit: number }): Promise<ImportJobView[]> {
    actor.require('records:read');
    const conds = [sql`true`];
    if (q.source) conds.push(sql`${importJobs.sourceId} = ${(await this.deps.sources.resolve(actor, q.source)).id}`);
    if (q.state) conds.push(sql`${importJobs.state} = ${q.state}`);
    const list = await this.deps.database.db.select().from(importJobs).where(sql.join(conds, sql` and `)).orderBy(desc(importJobs.createdAt)).limit(q.limit * 2 + 10);
    const sources = await this.deps.sources.byIds([...new Set(list.map((j) => j.sourceId))]);
    return list
      .filter((j) => actor.inArea(sources.get(j.sourceId)?.businessAreaId ?? ''))
      .slice(0, q.limit)
      .map((j) => jobView(j, sources.get(j.sourceId)?.name ?? null));
  }

  async cancel(actor: Actor, jobId: string): Promise<ImportJobView> {
    await this.visibleJob(actor, jobId);
    return this.view(await this.jobs.cancel(actor, jobId));
  }

  /** Marks jobs orphaned by a dead process as `interrupted` (call at server start). */
  recover(): Promise<number> {
    return this.jobs.recoverOrphans();
  }

  /** Waits for background jobs of this process (shutdown, tests). */
  drain(): Promise<void> {
    return this.jobs.queue.drain();
  }

  listQuarantine(actor: Actor, q: QuarantineQuery): Promise<{ items: QuarantineView[]; nextCursor: string | null }> {
    return this.quarantine.list(actor, q);
  }

  patchQuarantine(actor: Actor, id: string, input: unknown): Promise<QuarantineView> {
    return this.quarantine.patch(actor, id, input);
  }

  bulkPatchQuarantine(actor: Actor, input: unknown): Promise<{ updated: number }> {
    return this.quarantine.bulkPatch(actor, input);
  }

  resubmit(actor: Actor, input: unknown): Promise<{ results: ResubmitResult[] }> {
    return this.quarantine.resubmit(actor, input);
  }

  reportCsv(actor: Actor, jobId: string): Promise<Readable> {
    return this.quarantine.reportCsv(actor, jobId);
  }

  private async startPrepared(actor: Actor, file: { path: string; name: string }, opts: ImportOptions, upload: boolean): Promise<ImportJobView> {
    const { job, reused } = await this.jobs.prepare(actor, file, opts);
    if (reused) return { ...(await this.view(job)), reused: true };
    if (this.jobs.queue.has(job.id)) return this.view(job);
    void this.jobs
      .run(actor, job)
      .then(async (done) => {
        // An upload is only needed until its import completes (a failed one may be resumed).
        if (upload && done.state === 'completed' && !done.dryRun) await rm(done.filePath, { force: true });
        await this.notifyCompleted(done);
      })
      .catch((err: unknown) => this.config.log?.(`import job ${job.id} failed`, err));
    return this.view(job);
  }

  private async saveUpload(fileName: string, stream: Readable): Promise<string> {
    const dir = join(this.config.dataDir, 'imports', 'uploads');
    await mkdir(dir, { recursive: true });
    const tmp = join(dir, `.${randomUUID()}.part`);
    const hash = createHash('sha256');
    stream.on('data', (c: Buffer) => hash.update(c));
    try {
      await pipeline(stream, createWriteStream(tmp));
      if ((stream as Readable & { truncated?: boolean }).truncated) throw new AppError('PAYLOAD_TOO_LARGE', 'The upload is larger than allowed');
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    const ext = (/\.[A-Za-z0-9]{1,8}$/.exec(fileName)?.[0] ?? '').toLowerCase();
    const final = join(dir, `${hash.digest('hex')}${ext}`);
    await rename(tmp, final);
    return final;
  }

  /** An absolute, normalised path to an existing regular file (no `..` games). */
  private async checkFile(path: string, field: string): Promise<string> {
    const abs = resolve(path);
    if (path.split(/[\\/]/).includes('..')) {
      throw AppError.validation('The path must not contain ".." segments', [{ field, rule: 'traversal', message: 'use a plain absolute path' }]);
    }
    let info;
    try {
      info = await stat(abs);
    } catch {
      throw AppError.validation(`No such file: ${path}`, [{ field, rule: 'exists', message: 'file not found' }]);
    }
    if (!info.isFile()) throw AppError.validation(`Not a regular file: ${path}`, [{ field, rule: 'not_a_file', message: 'is a directory or special file' }]);
    return realpath(abs);
  }

  private async visibleJob(actor: Actor, jobId: string): Promise<JobRow> {
    const [job] = await this.deps.database.db.select().from(importJobs).where(eq(importJobs.id, jobId));
    if (!job) throw AppError.notFound('Import job', jobId);
    await this.deps.sources.resolve(actor, job.sourceId).catch(() => {
      throw AppError.notFound('Import job', jobId);
    });
    return job;
  }

  private async view(job: JobRow): Promise<ImportJobView> {
    return jobView(job, await this.sourceName(job.sourceId));
  }

  private async sourceName(sourceId: string): Promise<string | null> {
    return (await this.deps.sources.byIds([sourceId])).get(sourceId)?.name ?? null;
  }
}

/** Builds the ingest service from the application's services. */
export function createIngestService(services: IngestDeps, config: IngestConfig): IngestService {
  return new IngestService(
    { database: services.database, audit: services.audit, schemas: services.schemas, sources: services.sources, records: services.records },
    config,
  );
}
