import { createWriteStream } from 'node:fs';
import type { Command } from 'commander';
import { dedupe, link, type DedupeResult, type RunOptions } from '../../modules/matching/engine/pipeline.js';
import { loadModel, saveModel } from '../../modules/matching/engine/model-io.js';
import { parseRole } from '../../modules/matching/engine/roles.js';
import { csvField, readCsvFile } from '../../modules/matching/engine/io/csv.js';
import { InputError, recordsFromTable } from '../../modules/matching/engine/io/load-records.js';
import type { MatchModel, RoleMapping } from '../../modules/matching/engine/types.js';

interface MatchCliOptions {
  id: string;
  out: string;
  map?: string[];
  pairs?: string;
  model?: string;
  saveModel?: string;
  threshold?: string;
  threads?: string;
}

const started = performance.now();
function log(msg: string): void {
  process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(1)}s] ${msg}\n`);
}

function parseMaps(maps: string[] | undefined): RoleMapping {
  const out: RoleMapping = {};
  for (const item of (maps ?? []).flatMap((m) => m.split(','))) {
    if (item.trim() === '') continue;
    const eq = item.lastIndexOf('=');
    if (eq <= 0) throw new InputError(`--map expects column=role, got "${item}"`);
    const role = parseRole(item.slice(eq + 1));
    if (role === null) throw new InputError(`--map ${item}: unknown role "${item.slice(eq + 1)}"`);
    out[item.slice(0, eq).trim()] = role;
  }
  return out;
}

function commonOptions(o: MatchCliOptions): { run: RunOptions; model?: MatchModel } {
  if (o.model && o.saveModel) throw new InputError('--model and --save-model cannot be used together');
  const run: RunOptions = { onProgress: (m) => log(`… ${m}`), onWarning: (m) => log(`warning: ${m}`) };
  if (o.threshold !== undefined) {
    const t = Number(o.threshold);
    if (!(t > 0 && t < 1)) throw new InputError(`--threshold must be a probability between 0 and 1, got "${o.threshold}"`);
    run.threshold = t;
  }
  if (o.threads !== undefined) {
    const n = Number(o.threads);
    if (!Number.isInteger(n) || n < 1) throw new InputError(`--threads must be a positive integer, got "${o.threads}"`);
    run.threads = n;
  }
  let model: MatchModel | undefined;
  if (o.model) {
    try {
      model = loadModel(o.model);
    } catch (e) {
      throw new InputError(`cannot load model ${o.model}: ${(e as Error).message}`);
    }
    run.model = model;
  }
  return { run, model };
}

function writeLines(path: string, header: string, count: number, line: (k: number) => string): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = createWriteStream(path);
    s.on('error', reject);
    const chunk: string[] = [header];
    for (let k = 0; k < count; k++) {
      chunk.push(line(k));
      if (chunk.length >= 10_000) {
        s.write(chunk.join('\n') + '\n');
        chunk.length = 0;
      }
    }
    if (chunk.length) s.write(chunk.join('\n') + '\n');
    s.end(() => resolve());
  });
}

async function writePairs(path: string, res: DedupeResult): Promise<void> {
  const names = res.model.comparisons.map((c) => c.name);
  const p = res.pairs;
  await writeLines(path, ['a_id', 'b_id', 'probability', 'weight', ...names].map(csvField).join(','), p.a.length, (k) =>
    [csvField(res.ids[p.a[k]!]!), csvField(res.ids[p.b[k]!]!), p.probability[k]!.toFixed(6), p.weight[k]!.toFixed(3), ...res.levels(p.a[k]!, p.b[k]!).map(csvField)].join(','),
  );
}

function summary(res: DedupeResult, t0: number): void {
  const s = res.stats;
  for (const r of s.rules) log(`  rule ${r.name}: ${r.pairs} candidate pairs${r.cappedBlocks ? `, ${r.cappedBlocks} oversized block(s) capped` : ''}`);
  log(`summary: records=${s.records} blocks=${s.blocks} pairs_compared=${s.candidatePairs} clusters=${s.clusters} seconds=${((performance.now() - t0) / 1000).toFixed(2)}`);
}

async function guarded(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof InputError) {
      log(`error: ${e.message}`);
      process.exitCode = 2;
      return;
    }
    log(`error: ${(e as Error).message}`);
    process.exitCode = 1;
  }
}

function withCommon(cmd: Command): Command {
  return cmd
    .requiredOption('--id <column>', 'record id column (never used as a feature)')
    .requiredOption('--out <file>', 'output CSV')
    .option('--map <column=role...>', 'set a column role explicitly (repeatable; role "ignore" drops a column)')
    .option('--pairs <file>', 'also write scored pairs with per-comparison levels')
    .option('--model <file>', 'use a trained model instead of training')
    .option('--save-model <file>', 'save the trained model as JSON')
    .option('--threshold <p>', 'match probability threshold')
    .option('--threads <n>', 'worker threads (default: all cores)');
}

/** Register `custodian dedupe` and `custodian link`. */
export function registerMatchCommands(program: Command): void {
  withCommon(program.command('dedupe <input>').description('find duplicate customers in one CSV file; writes record_id,cluster_id')).action((input: string, o: MatchCliOptions) =>
    guarded(async () => {
      const t0 = performance.now();
      const { run, model } = commonOptions(o);
      log(`reading ${input}`);
      const loaded = recordsFromTable(input, readTable(input), o.id, model ? model.roles : parseMaps(o.map));
      loaded.warnings.forEach((w) => log(`warning: ${w}`));
      if (!model) run.roles = loaded.roles;
      const res = await dedupe(loaded.records, run);
      const first = new Map<number, string>();
      res.clusterOf.forEach((c, i) => {
        if (!first.has(c)) first.set(c, res.ids[i]!);
      });
      await writeLines(o.out, 'record_id,cluster_id', res.ids.length, (i) => `${csvField(res.ids[i]!)},${csvField(first.get(res.clusterOf[i]!)!)}`);
      if (o.pairs) await writePairs(o.pairs, res);
      if (o.saveModel) saveModel(res.model, o.saveModel);
      summary(res, t0);
    }),
  );
  withCommon(program.command('link <a> <b>').description('link records of A to their matches in B; writes a_id,b_id,probability')).action((a: string, b: string, o: MatchCliOptions) =>
    guarded(async () => {
      const t0 = performance.now();
      const { run, model } = commonOptions(o);
      log(`reading ${a} and ${b}`);
      const maps = model ? model.roles : parseMaps(o.map);
      const la = recordsFromTable(a, readTable(a), o.id, maps);
      const lb = recordsFromTable(b, readTable(b), o.id, maps);
      [...la.warnings, ...lb.warnings].forEach((w) => log(`warning: ${w}`));
      if (!model) {
        const roles: RoleMapping = {};
        for (const [c, r] of Object.entries(la.roles)) if (lb.roles[c] === r) roles[c] = r;
        if (Object.keys(roles).length === 0) throw new InputError('the two files share no usable column with the same role');
        run.roles = roles;
      }
      const res = await link(la.records, lb.records, run);
      const l = res.links;
      await writeLines(o.out, 'a_id,b_id,probability', l.a.length, (k) => `${csvField(res.ids[l.a[k]!]!)},${csvField(res.ids[l.b[k]!]!)},${l.probability[k]!.toFixed(6)}`);
      if (o.pairs) await writePairs(o.pairs, res);
      if (o.saveModel) saveModel(res.model, o.saveModel);
      summary(res, t0);
    }),
  );
}

function readTable(path: string): ReturnType<typeof readCsvFile> {
  try {
    return readCsvFile(path);
  } catch (e) {
    throw new InputError(`cannot read ${path}: ${(e as Error).message}`);
  }
}
