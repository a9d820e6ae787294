import { type SQL, sql } from 'drizzle-orm';
import type { Actor } from '../../platform/auth/actor.js';
import type { Database, Tx } from '../../platform/db/database.js';
import { rows } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors/app-error.js';
import { parseOrThrow } from '../../platform/errors/zod-details.js';
import { emitEvents } from '../../platform/events/outbox.js';
import { newId } from '../../platform/ids.js';
import { JobQueue } from '../../platform/jobs/index.js';
import type { AuditService } from '../audit/index.js';
import type { GoldenService } from '../golden/index.js';
import { loadSettings, orderedPair, sourceInScope } from '../golden/index.js';
import type { PrivacyLevel } from '../governance/index.js';
import { canSee, maskValue } from '../governance/index.js';
import type { LabelledPair, MatchModel } from '../matching/engine/index.js';
import { calibrateModel, modelToJson, trainModel } from '../matching/engine/index.js';
import type { RecordsService, StoredRecordRow } from '../records/index.js';
import { privacyMap } from '../records/index.js';
import type { SchemasService } from '../schemas/index.js';
import type { SourcesService } from '../sources/index.js';
import type { ArrivalStats } from './arrival-matcher.js';
import { createArrivalMatcher } from './arrival-matcher.js';
import { rolesOf, toMatchRecord } from './match-fields.js';
import { activeModel, forgetActiveModel } from './model-store.js';
import type { RematchPlan } from './rematch.js';
import { planRematch } from './rematch.js';
import type { JobView, TaskListQuery, TaskView } from './stewardship.schemas.js';
import { assignBody, bulkDecideBody, decideBody, rematchBody, trainBody } from './stewardship.schemas.js';
import { WarmIndexes } from './warm-index.js';

type TaskRow = {
  id: string;
  schema_id: string;
  source_id: string;
  record_id: string;
  candidate_record_id: string;
  probability: number;
  explanation: { terms?: { role: string; valueA: unknown; valueB: unknown }[] } & Record<string, unknown>;
  status: TaskView['status'];
  assigned_to: string | null;
  decided_by: string | null;
  decided_at: Date | string | null;
  note: string | null;
  merge_id: string | null;
  created_at: Date | string;
};
type JobRow = {
  id: string;
  schema_id: string;
  source_id: string | null;
  dry_run: boolean;
  status: JobView['status'];
  progress: JobView['progress'];
  report: unknown;
  error: string | null;
  created_by: string | null;
  created_at: Date | string;
  started_at: Date | string | null;
  finished_at: Date | string | null;
};

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());
const EXAMPLES = 10;

/**
 * Stewardship: match on arrival (the records writer's customer assigner), review tasks and decisions,
 * labels, versioned match models trained from the stored data, and background re-match jobs.
 */
export class StewardshipService {
  readonly indexes: WarmIndexes;
  readonly arrivalStats: ArrivalStats = { probes: 0, autoLinked: 0, reviewTasks: 0, newCustomers: 0, assignMs: 0, afterWriteMs: 0 };
  private readonly jobs = new JobQueue();

  constructor(
    private readonly database: Database,
    private readonly audit: AuditService,
    private readonly schemas: SchemasService,
    private readonly sources: SourcesService,
    private readonly records: RecordsService,
    private readonly golden: GoldenService,
  ) {
    this.indexes = new WarmIndexes(database.kind);
  }

  /**
   * Plugs match on arrival into every records write (API, imports, quarantine fixes): every write
   * context the records service builds carries this module's customer assigner.
   */
  attachToRecords(): void {
    const assigner = createArrivalMatcher(this.indexes, this.arrivalStats);
    const original = this.records.writeContext.bind(this.records);
    this.records.writeContext = async (source, ex, schemaVersion) => ({ ...(await original(source, ex, schemaVersion)), customerAssigner: assigner });
  }

  // ---- review tasks ----

  async listTasks(actor: Actor, q: TaskListQuery): Promise<{ items: TaskView[]; nextCursor: string | null }> {
    actor.require('stewardship:review');
    const conds = [sql`t.status = ${q.status}`, taskInScope(actor)];
    if (q.schema) conds.push(sql`t.schema_id = ${(await this.schemas.resolveId(actor, q.schema)).id}`);
    if (q.source) {
      const s = await this.sources.resolve(actor, q.source);
      conds.push(sql`(t.source_id = ${s.id} or t.candidate_source_id = ${s.id})`);
    }
    if (q.minScore !== undefined) conds.push(sql`t.probability >= ${q.minScore}`);
    if (q.maxScore !== undefined) conds.push(sql`t.probability <= ${q.maxScore}`);
    if (q.minAgeHours !== undefined) conds.push(sql`t.created_at <= now() - make_interval(secs => ${q.minAgeHours * 3600})`);
    if (q.maxAgeHours !== undefined) conds.push(sql`t.created_at >= now() - make_interval(secs => ${q.maxAgeHours * 3600})`);
    if (q.assignedTo) conds.push(sql`t.assigned_to = ${q.assignedTo}`);
    if (q.cursor) conds.push(sql`t.id > ${q.cursor}`);
    const list = await rows<TaskRow>(this.database.db, sql`select t.* from review_tasks t where ${sql.join(conds, sql` and `)} order by t.id limit ${q.limit + 1}`);
    const page = list.slice(0, q.limit);
    return { items: await this.taskViews(actor, page), nextCursor: list.length > q.limit ? page[page.length - 1]!.id : null };
  }

  async getTask(actor: Actor, id: string): Promise<TaskView> {
    actor.require('stewardship:review');
    const [t] = await rows<TaskRow>(this.database.db, sql`select * from review_tasks t where t.id = ${id} and ${taskInScope(actor)}`);
    if (!t) throw AppError.notFound('Review task', id);
    return (await this.taskViews(actor, [t]))[0]!;
  }

  /** Both records side by side (masked for the actor) with the engine's explanation. */
  private async taskViews(actor: Actor, list: TaskRow[]): Promise<TaskView[]> {
    if (list.length === 0) return [];
    const ids = [...new Set(list.flatMap((t) => [t.record_id, t.candidate_record_id]))];
    const recs = await rows<StoredRecordRow>(this.database.db, sql`select * from source_records where id = any(${sql.param(ids)}::text[])`);
    const views = new Map((await this.records.viewsOf(actor, recs, 'review_task', list.length === 1 ? list[0]!.id : null)).map((v) => [v.id, v]));
    const privacyBySchema = new Map<string, Map<string, PrivacyLevel>>();
    const now = Date.now();
    const out: TaskView[] = [];
    for (const t of list) {
      let privacy = privacyBySchema.get(t.schema_id);
      if (!privacy) {
        const def = (await this.schemas.currentVersionOf(t.schema_id)).definition;
        const byAttr = privacyMap(def);
        const roles = rolesOf(def);
        // Explanation terms name roles; a role takes the strictest privacy of its columns.
        privacy = new Map();
        for (const [col, role] of Object.entries(roles)) {
          const p = byAttr.get(col) ?? 'personal';
          const prev = privacy.get(role);
          if (!prev || (prev === 'public' && p !== 'public') || p === 'sensitive') privacy.set(role, p);
        }
        privacyBySchema.set(t.schema_id, privacy);
      }
      const ex = t.explanation ?? {};
      const terms = (ex.terms ?? []).map((term) =>
        canSee(actor, privacy.get(term.role) ?? 'personal') ? term : { ...term, valueA: maskValue(term.valueA), valueB: maskValue(term.valueB) },
      );
      out.push({
        id: t.id,
        status: t.status,
        schemaId: t.schema_id,
        sourceId: t.source_id,
        probability: Number(t.probability),
        record: views.get(t.record_id) ?? null,
        candidate: views.get(t.candidate_record_id) ?? null,
        explanation: { ...ex, terms } as TaskView['explanation'],
        assignedTo: t.assigned_to,
        decidedBy: t.decided_by,
        decidedAt: iso(t.decided_at),
        note: t.note,
        mergeId: t.merge_id,
        createdAt: iso(t.created_at)!,
        ageHours: Math.round(((now - new Date(t.created_at).getTime()) / 3_600_000) * 100) / 100,
      });
    }
    return out;
  }

  /** Match (merges the two customers), not a match (remembered, never suggested again) or skip. */
  async decide(actor: Actor, taskId: string, input: unknown): Promise<{ taskId: string; status: TaskView['status']; mergeId: string | null }> {
    actor.require('stewardship:review');
    const body = parseOrThrow(decideBody, input, 'decision');
    return this.database.db.transaction((tx) => this.decideInTx(tx, actor, taskId, body.decision, body.note ?? null));
  }

  /** The same decision for many tasks; each is its own transaction, failures are reported per task. */
  async decideBulk(actor: Actor, input: unknown): Promise<{ taskId: string; status: TaskView['status']; mergeId: string | null; error?: string }[]> {
    actor.require('stewardship:review');
    const body = parseOrThrow(bulkDecideBody, input, 'bulk decision');
    const out = [];
    for (const id of body.taskIds) {
      try {
        out.push(await this.database.db.transaction((tx) => this.decideInTx(tx, actor, id, body.decision, body.note ?? null)));
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        out.push({ taskId: id, status: 'open' as const, mergeId: null, error: e.message });
      }
    }
    return out;
  }

  private async decideInTx(tx: Tx, actor: Actor, taskId: string, decision: 'match' | 'not_match' | 'skip', note: string | null) {
    const [t] = await rows<TaskRow>(tx, sql`select * from review_tasks t where t.id = ${taskId} and ${taskInScope(actor)} for update`);
    if (!t) throw AppError.notFound('Review task', taskId);
    if (t.status !== 'open') throw AppError.conflict(`Review task ${taskId} is already ${t.status}`);
    const by = actor.id ?? actor.name;
    let mergeId: string | null = null;
    const status = decision === 'skip' ? 'skipped' : decision;
    if (decision !== 'skip') {
      const recs = await rows<{ id: string; customer_id: string | null }>(tx, sql`select id, customer_id from source_records where id in (${t.record_id}, ${t.candidate_record_id})`);
      const cust = new Map(recs.map((r) => [r.id, r.customer_id]));
      const a = cust.get(t.record_id);
      const b = cust.get(t.candidate_record_id);
      if (!a || !b) throw AppError.conflict('One of the records no longer belongs to a customer');
      if (decision === 'match' && a !== b) {
        // The candidate's customer was there first: it survives.
        const m = await this.golden.mergeInTx(tx, actor, { customerIds: [a, b], into: b, reason: note ?? `Review task ${taskId}: match`, evidence: { taskId, probability: Number(t.probability), terms: evidenceTerms(t.explanation) } });
        mergeId = m.mergeId;
      }
      if (decision === 'not_match') {
        if (a === b) {
          await this.golden.splitInTx(tx, actor, a, [t.record_id], note ?? `Review task ${taskId}: not a match`);
        }
        await this.golden.markNotDuplicateInTx(tx, actor, t.record_id, t.candidate_record_id, note ?? `Review task ${taskId}`);
      }
      const [ra, rb] = orderedPair(t.record_id, t.candidate_record_id);
      await tx.execute(sql`
        insert into match_labels (record_a, record_b, schema_id, match, decided_by, task_id) values (${ra}, ${rb}, ${t.schema_id}, ${decision === 'match'}, ${by}, ${taskId})
        on conflict (record_a, record_b) do update set match = excluded.match, decided_by = excluded.decided_by, decided_at = now(), task_id = excluded.task_id`);
    }
    await tx.execute(sql`update review_tasks set status = ${status}, decided_by = ${by}, decided_at = now(), note = ${note}, merge_id = ${mergeId} where id = ${taskId}`);
    if (mergeId) {
      // Other open tasks between records that now share a customer have nothing left to decide.
      await tx.execute(sql`
        update review_tasks t set status = 'superseded', decided_at = now(), decided_by = ${by}, note = ${`superseded by ${taskId}`}
        from source_records a, source_records b
        where t.status = 'open' and a.id = t.record_id and b.id = t.candidate_record_id and a.customer_id = b.customer_id`);
    }
    await this.audit.append(tx, actor, { action: 'review_task.decide', entityType: 'review_task', entityId: taskId, payload: { decision, note, mergeId, recordId: t.record_id, candidateRecordId: t.candidate_record_id } });
    await emitEvents(tx, [{ type: 'review_task.decided', aggregateType: 'review_task', aggregateId: taskId, payload: { decision, mergeId, recordId: t.record_id, candidateRecordId: t.candidate_record_id }, actorId: by }]);
    return { taskId, status: status as TaskView['status'], mergeId };
  }

  async assign(actor: Actor, taskId: string, input: unknown): Promise<TaskView> {
    actor.require('stewardship:review');
    const body = parseOrThrow(assignBody, input, 'assignment');
    const res = await this.database.db.transaction(async (tx) => {
      const r = await rows<{ id: string }>(tx, sql`update review_tasks t set assigned_to = ${body.assignee} where t.id = ${taskId} and ${taskInScope(actor)} returning t.id`);
      if (r.length > 0) await this.audit.append(tx, actor, { action: 'review_task.assign', entityType: 'review_task', entityId: taskId, payload: { assignee: body.assignee } });
      return r.length;
    });
    if (res === 0) throw AppError.notFound('Review task', taskId);
    return this.getTask(actor, taskId);
  }

  /** Counts for the dashboard: by state, open by schema and by age. */
  async counts(actor: Actor) {
    actor.require('stewardship:review');
    const scope = taskInScope(actor);
    const byStatus = await rows<{ status: string; n: number }>(this.database.db, sql`select status, count(*)::int as n from review_tasks t where ${scope} group by status`);
    const bySchema = await rows<{ schema_id: string; n: number }>(this.database.db, sql`select schema_id, count(*)::int as n from review_tasks t where t.status = 'open' and ${scope} group by schema_id order by schema_id`);
    const [age] = await rows<{ h1: number; h24: number; d7: number; older: number }>(
      this.database.db,
      sql`select count(*) filter (where created_at > now() - interval '1 hour')::int as h1,
                 count(*) filter (where created_at <= now() - interval '1 hour' and created_at > now() - interval '24 hours')::int as h24,
                 count(*) filter (where created_at <= now() - interval '24 hours' and created_at > now() - interval '7 days')::int as d7,
                 count(*) filter (where created_at <= now() - interval '7 days')::int as older
          from review_tasks t where t.status = 'open' and ${scope}`,
    );
    return {
      byStatus: Object.fromEntries(['open', 'match', 'not_match', 'skipped', 'superseded'].map((s) => [s, Number(byStatus.find((b) => b.status === s)?.n ?? 0)])),
      openBySchema: bySchema.map((s) => ({ schemaId: s.schema_id, open: Number(s.n) })),
      openByAge: { under1h: Number(age?.h1 ?? 0), under24h: Number(age?.h24 ?? 0), under7d: Number(age?.d7 ?? 0), older: Number(age?.older ?? 0) },
    };
  }

  async labels(actor: Actor, schemaRef?: string) {
    actor.require('stewardship:review');
    const schemaId = schemaRef ? (await this.schemas.resolveId(actor, schemaRef)).id : null;
    const list = await rows<{ record_a: string; record_b: string; schema_id: string; match: boolean; decided_by: string | null; decided_at: Date; task_id: string | null }>(
      this.database.db,
      sql`select l.* from match_labels l where ${schemaId ? sql`l.schema_id = ${schemaId}` : sql`true`}
            and ${sourceInScope(actor, sql`(select source_id from source_records where id = l.record_a)`)}
            and ${sourceInScope(actor, sql`(select source_id from source_records where id = l.record_b)`)}
          order by l.decided_at desc limit 5000`,
    );
    return list.map((l) => ({ recordA: l.record_a, recordB: l.record_b, schemaId: l.schema_id, match: l.match, decidedBy: l.decided_by, decidedAt: iso(l.decided_at)!, taskId: l.task_id }));
  }

  // ---- models ----

  /**
   * Trains a new model version from the schema's stored valid records (a sample of at most
   * `sampleSize`), calibrated with the steward labels, and activates it unless told not to.
   */
  async trainModel(actor: Actor, schemaRef: string, input: unknown = {}) {
    actor.require('golden:configure');
    const body = parseOrThrow(trainBody, input ?? {}, 'training');
    const schema = await this.schemas.resolveId(actor, schemaRef);
    const def = (await this.schemas.currentVersionOf(schema.id)).definition;
    const roles = rolesOf(def);
    if (Object.keys(roles).length === 0) throw AppError.conflict(`Schema ${schema.name} has no attribute the matching engine can compare`);
    const sample = await rows<{ id: string; values: Record<string, unknown> }>(
      this.database.db,
      sql`select id, "values" from source_records where schema_id = ${schema.id} and status = 'valid' order by id limit ${body.sampleSize ?? 200_000}`,
    );
    if (sample.length < 50) throw AppError.conflict(`Schema ${schema.name} has ${sample.length} valid records; at least 50 are needed to train`);
    let model: MatchModel = await trainModel(sample.map((r) => toMatchRecord(r.id, r.values ?? {}, roles)), { roles });
    const labelRows = await rows<{ match: boolean; a_values: Record<string, unknown>; b_values: Record<string, unknown>; record_a: string; record_b: string }>(
      this.database.db,
      sql`select l.match, l.record_a, l.record_b, a."values" as a_values, b."values" as b_values from match_labels l
          join source_records a on a.id = l.record_a join source_records b on b.id = l.record_b where l.schema_id = ${schema.id}`,
    );
    const labels: LabelledPair[] = labelRows.map((l) => ({ a: toMatchRecord(l.record_a, l.a_values ?? {}, roles), b: toMatchRecord(l.record_b, l.b_values ?? {}, roles), match: l.match }));
    if (labels.length > 0) model = calibrateModel(model, labels);
    const id = newId('matchModel');
    const by = actor.id ?? actor.name;
    await this.database.db.transaction(async (tx) => {
      const [v] = await rows<{ v: number }>(tx, sql`select coalesce(max(version), 0) + 1 as v from match_models where schema_id = ${schema.id}`);
      if (body.activate) await tx.execute(sql`update match_models set active = false where schema_id = ${schema.id} and active`);
      await tx.execute(sql`
        insert into match_models (id, schema_id, version, model, active, records_used, labels_used, created_by)
        values (${id}, ${schema.id}, ${Number(v!.v)}, ${modelToJson(model)}::jsonb, ${body.activate}, ${sample.length}, ${labels.length}, ${by})`);
      await this.audit.append(tx, actor, { action: 'match_model.train', entityType: 'schema', entityId: schema.id, payload: { modelId: id, version: Number(v!.v), records: sample.length, labels: labels.length, activated: body.activate } });
    });
    if (body.activate) {
      forgetActiveModel(schema.id);
      this.indexes.invalidate(schema.id);
    }
    return this.getModel(actor, id);
  }

  async listModels(actor: Actor, schemaRef: string) {
    actor.require('customers:read');
    const schema = await this.schemas.resolveId(actor, schemaRef);
    const ids = await rows<{ id: string }>(this.database.db, sql`select id from match_models where schema_id = ${schema.id} order by version desc`);
    return Promise.all(ids.map((r) => this.getModel(actor, r.id)));
  }

  async getModel(actor: Actor, id: string) {
    actor.require('customers:read');
    const [m] = await rows<{ id: string; schema_id: string; version: number; active: boolean; records_used: number; labels_used: number; created_by: string | null; created_at: Date; model: MatchModel }>(
      this.database.db,
      sql`select * from match_models where id = ${id}`,
    );
    if (!m) throw AppError.notFound('Match model', id);
    return {
      id: m.id,
      schemaId: m.schema_id,
      version: Number(m.version),
      active: m.active,
      recordsUsed: Number(m.records_used),
      labelsUsed: Number(m.labels_used),
      createdBy: m.created_by,
      createdAt: iso(m.created_at)!,
      threshold: m.model.threshold,
      lambda: m.model.lambda,
      comparisons: m.model.comparisons.map((c) => ({ name: c.name, levels: c.levels, m: c.m, u: c.u })),
    };
  }

  /** Makes a model version the active one (roll back to an earlier version, or forward). */
  async activateModel(actor: Actor, id: string) {
    actor.require('golden:configure');
    const schemaId = await this.database.db.transaction(async (tx) => {
      const [m] = await rows<{ schema_id: string }>(tx, sql`select schema_id from match_models where id = ${id} for update`);
      if (!m) throw AppError.notFound('Match model', id);
      await tx.execute(sql`update match_models set active = (id = ${id}) where schema_id = ${m.schema_id}`);
      await this.audit.append(tx, actor, { action: 'match_model.activate', entityType: 'schema', entityId: m.schema_id, payload: { modelId: id } });
      return m.schema_id;
    });
    forgetActiveModel(schemaId);
    this.indexes.invalidate(schemaId);
    return this.getModel(actor, id);
  }

  // ---- re-match ----

  /** Starts a background re-match of a schema or one source (dry run by default); returns the queued job. */
  async startRematch(actor: Actor, input: unknown): Promise<JobView> {
    actor.require('golden:configure');
    const body = parseOrThrow(rematchBody, input, 're-match');
    const source = body.source ? await this.sources.resolve(actor, body.source) : null;
    const schemaId = source ? source.schemaId : (await this.schemas.resolveId(actor, body.schema!)).id;
    if (!source && !actor.allAreas) {
      // A schema-wide re-match touches every source of the schema: all of them must be in the actor's areas.
      const [outside] = await rows<{ n: number }>(this.database.db, sql`select count(*)::int as n from sources s where s.schema_id = ${schemaId} and not ${sourceInScope(actor, sql`s.id`)}`);
      if (Number(outside?.n ?? 0) > 0) throw AppError.forbidden('This schema has sources in business areas outside your scope; re-match your sources one by one');
    }
    const id = newId('rematchJob');
    await this.database.db.execute(sql`
      insert into rematch_jobs (id, schema_id, source_id, dry_run, status, progress, created_by)
      values (${id}, ${schemaId}, ${source?.id ?? null}, ${body.dryRun}, 'queued', ${JSON.stringify({ phase: 'queued', done: 0, total: 0 })}::jsonb, ${actor.id ?? actor.name})`);
    // One re-match at a time per process: they compete for memory and the same customers.
    void this.jobs.submit({ id, lane: 'rematch', run: (signal) => this.runRematch(actor, id, schemaId, source?.id ?? null, body.dryRun, signal) }).catch(() => undefined);
    return this.getJob(actor, id);
  }

  /** Runs a re-match to completion in the caller's await (CLI). */
  async runRematchNow(actor: Actor, input: unknown): Promise<JobView> {
    const job = await this.startRematch(actor, input);
    await this.jobs.drain();
    return this.getJob(actor, job.id);
  }

  async getJob(actor: Actor, id: string): Promise<JobView> {
    actor.require('golden:configure');
    const [j] = await rows<JobRow>(this.database.db, sql`select * from rematch_jobs j where j.id = ${id} and ${jobInScope(actor)}`);
    if (!j) throw AppError.notFound('Re-match job', id);
    return jobView(j);
  }

  async listJobs(actor: Actor): Promise<JobView[]> {
    actor.require('golden:configure');
    return (await rows<JobRow>(this.database.db, sql`select * from rematch_jobs j where ${jobInScope(actor)} order by j.created_at desc limit 100`)).map(jobView);
  }

  async cancelJob(actor: Actor, id: string): Promise<JobView> {
    actor.require('golden:configure');
    await this.getJob(actor, id);
    this.jobs.cancel(id);
    await this.database.db.execute(sql`update rematch_jobs set status = 'cancelled', finished_at = now() where id = ${id} and status = 'queued'`);
    return this.getJob(actor, id);
  }

  /** Waits for queued and running jobs (shutdown, tests). */
  drain(): Promise<void> {
    return this.jobs.drain();
  }

  private async runRematch(actor: Actor, jobId: string, schemaId: string, sourceId: string | null, dryRun: boolean, signal: AbortSignal): Promise<void> {
    const db = this.database.db;
    const progress = async (phase: string, done: number, total: number) => {
      await db.execute(sql`update rematch_jobs set progress = ${JSON.stringify({ phase, done, total })}::jsonb where id = ${jobId}`);
    };
    await db.execute(sql`update rematch_jobs set status = 'running', started_at = now() where id = ${jobId}`);
    try {
      const def = (await this.schemas.currentVersionOf(schemaId)).definition;
      const roles = rolesOf(def);
      const settings = await loadSettings(db, schemaId);
      const model = await activeModel(db, schemaId, roles);
      const plan = await planRematch(db, { schemaId, sourceId, model: model.model, roles, upper: settings.upper, lower: settings.lower, onProgress: progress, signal });
      const applied = dryRun ? null : await this.applyPlan(actor, jobId, schemaId, plan, progress, signal);
      const report = reportOf(plan, model.id, settings, applied);
      await db.execute(sql`update rematch_jobs set status = 'succeeded', finished_at = now(), report = ${JSON.stringify(report)}::jsonb,
                           progress = ${JSON.stringify({ phase: 'done', done: plan.probes, total: plan.probes })}::jsonb where id = ${jobId}`);
    } catch (e) {
      const cancelled = signal.aborted;
      await db.execute(sql`update rematch_jobs set status = ${cancelled ? 'cancelled' : 'failed'}, finished_at = now(), error = ${(e as Error).message} where id = ${jobId}`);
      if (!cancelled) throw e;
    }
  }

  /** Applies a plan: splits, then merges (by the records' current customers), then review tasks; one transaction per change. */
  private async applyPlan(actor: Actor, jobId: string, schemaId: string, plan: RematchPlan, progress: (p: string, d: number, t: number) => Promise<void>, signal: AbortSignal) {
    const done = { splits: 0, merges: 0, reviewTasks: 0, skipped: [] as string[] };
    const system = actor;
    for (const [i, s] of plan.splits.entries()) {
      signal.throwIfAborted();
      try {
        await this.golden.split(system, s.customerId, { recordIds: [s.recordId], reason: `Re-match ${jobId}: no longer matches its customer` });
        done.splits++;
      } catch (e) {
        done.skipped.push(`split ${s.recordId}: ${(e as Error).message}`);
      }
      if (i % 100 === 0) await progress('applying splits', i, plan.splits.length);
    }
    for (const [i, m] of plan.merges.entries()) {
      signal.throwIfAborted();
      try {
        await this.database.db.transaction(async (tx) => {
          // The plan named customers as they were; records may have moved (splits), so ask where they are now.
          const cur = await rows<{ customer_id: string }>(tx, sql`select distinct customer_id from source_records where id in (${m.pair.a}, ${m.pair.b})`);
          const planned = m.customers.filter((c) => !c.startsWith('split:'));
          const ids = [...new Set([...planned, ...cur.map((c) => c.customer_id)])];
          const active = await rows<{ id: string }>(tx, sql`select id from customers where id = any(${sql.param(ids)}::text[]) and status = 'active'`);
          if (active.length < 2) return;
          await this.golden.mergeInTx(tx, system, { customerIds: active.map((a) => a.id), reason: `Re-match ${jobId}`, evidence: { jobId, ...m.pair }, automatic: true });
          done.merges++;
        });
      } catch (e) {
        done.skipped.push(`merge ${m.customers.join('+')}: ${(e as Error).message}`);
      }
      if (i % 100 === 0) await progress('applying merges', i, plan.merges.length);
    }
    if (plan.reviews.length > 0) {
      await this.database.db.transaction(async (tx) => {
        const recs = await rows<{ id: string; source_id: string }>(tx, sql`select id, source_id from source_records where id = any(${sql.param([...new Set(plan.reviews.flatMap((r) => [r.a, r.b]))])}::text[])`);
        const src = new Map(recs.map((r) => [r.id, r.source_id]));
        const ids = plan.reviews.map(() => newId('reviewTask'));
        const inserted = await rows<{ id: string; record_id: string; candidate_record_id: string; probability: number }>(
          tx,
          sql`insert into review_tasks (id, schema_id, source_id, record_id, candidate_record_id, candidate_source_id, probability, explanation)
              select u.id, ${schemaId}, u.src, u.a, u.b, u.bsrc, u.p, '{}'::jsonb
              from unnest(${sql.param(ids)}::text[], ${sql.param(plan.reviews.map((r) => src.get(r.a) ?? ''))}::text[], ${sql.param(plan.reviews.map((r) => r.a))}::text[],
                          ${sql.param(plan.reviews.map((r) => r.b))}::text[], ${sql.param(plan.reviews.map((r) => src.get(r.b) ?? ''))}::text[],
                          ${sql.param(plan.reviews.map((r) => r.probability))}::float8[]) as u(id, src, a, b, bsrc, p)
              on conflict do nothing returning id, record_id, candidate_record_id, probability`,
        );
        done.reviewTasks = inserted.length;
        await emitEvents(tx, inserted.map((t) => ({ type: 'review_task.created', aggregateType: 'review_task', aggregateId: t.id, payload: { recordId: t.record_id, candidateRecordId: t.candidate_record_id, probability: Number(t.probability), schemaId, jobId } })));
      });
      await this.fillExplanations(schemaId);
    }
    return done;
  }

  /** Re-match tasks are inserted in bulk; their explanations come from the engine afterwards. */
  private async fillExplanations(schemaId: string): Promise<void> {
    const empty = await rows<{ id: string; record_id: string; candidate_record_id: string; a: Record<string, unknown>; b: Record<string, unknown> }>(
      this.database.db,
      sql`select t.id, t.record_id, t.candidate_record_id, a."values" as a, b."values" as b from review_tasks t
          join source_records a on a.id = t.record_id join source_records b on b.id = t.candidate_record_id
          where t.schema_id = ${schemaId} and t.status = 'open' and t.explanation = '{}'::jsonb limit 5000`,
    );
    if (empty.length === 0) return;
    const def = (await this.schemas.currentVersionOf(schemaId)).definition;
    const roles = rolesOf(def);
    await this.database.db.transaction(async (tx) => {
      const entry = await this.indexes.get(tx, schemaId, roles, await activeModel(tx, schemaId, roles));
      const ex = empty.map((t) => JSON.stringify(this.indexes.explain(entry, t.record_id, t.a ?? {}, t.candidate_record_id) ?? {}));
      await tx.execute(sql`update review_tasks t set explanation = u.ex::jsonb from unnest(${sql.param(empty.map((t) => t.id))}::text[], ${sql.param(ex)}::text[]) as u(id, ex) where t.id = u.id`);
    });
  }

  /** Warm index sizes and arrival counters. */
  async stats(actor: Actor) {
    actor.require('stewardship:review');
    return { arrival: { ...this.arrivalStats }, indexes: await this.indexes.stats() };
  }
}

/** A review task is visible to an actor when both of its records come from sources in the actor's areas. */
function taskInScope(actor: Actor): SQL {
  return sql`${sourceInScope(actor, sql`t.source_id`)} and ${sourceInScope(actor, sql`t.candidate_source_id`)}`;
}

/** A re-match job is visible when every source it covers (its source, or all sources of its schema) is in the actor's areas. */
function jobInScope(actor: Actor): SQL {
  if (actor.allAreas) return sql`true`;
  return sql`not exists (select 1 from sources s where (s.id = j.source_id or (j.source_id is null and s.schema_id = j.schema_id)) and not ${sourceInScope(actor, sql`s.id`)})`;
}

// Merge evidence is readable with customers:read, so it keeps levels and weights but not the compared values.
function evidenceTerms(ex: TaskRow['explanation']): unknown[] {
  return ((ex?.terms ?? []) as { comparison?: string; role: string; level?: string; contribution?: number }[]).map((t) => ({ comparison: t.comparison, role: t.role, level: t.level, contribution: t.contribution }));
}

function jobView(j: JobRow): JobView {
  return {
    id: j.id,
    schemaId: j.schema_id,
    sourceId: j.source_id,
    dryRun: j.dry_run,
    status: j.status,
    progress: j.progress,
    report: j.report ?? null,
    error: j.error,
    createdBy: j.created_by,
    createdAt: iso(j.created_at)!,
    startedAt: iso(j.started_at),
    finishedAt: iso(j.finished_at),
  };
}

function reportOf(plan: RematchPlan, modelId: string, settings: { upper: number; lower: number }, applied: unknown) {
  return {
    model: modelId,
    thresholds: { upper: settings.upper, lower: settings.lower },
    records: plan.records,
    probes: plan.probes,
    pairsScored: plan.pairsScored,
    merges: { count: plan.merges.length, customersAbsorbed: plan.merges.reduce((n, m) => n + m.customers.length - 1, 0), examples: plan.merges.slice(0, EXAMPLES) },
    splits: { count: plan.splits.length, examples: plan.splits.slice(0, EXAMPLES) },
    reviewTasks: { count: plan.reviews.length, examples: plan.reviews.slice(0, EXAMPLES) },
    notDuplicateHonoured: plan.notDuplicateHonoured,
    applied,
  };
}
