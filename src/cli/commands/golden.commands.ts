import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { createGoldenServices, type GoldenServices } from '../../modules/golden/golden.wiring.js';
import { Actor } from '../../platform/auth/actor.js';
import { loadConfig } from '../../platform/config/config.js';
import type { Services } from '../../server/services.js';
import { openRuntime } from '../../server/runtime.js';
import { print, run } from '../output.js';

function cliActor(): Actor {
  let who = 'unknown';
  try {
    who = userInfo().username;
  } catch {
    // no passwd entry (containers)
  }
  return Actor.system(`cli:${who}`);
}

async function withGolden(body: (s: Services, g: GoldenServices) => Promise<void>): Promise<void> {
  const services = await openRuntime(loadConfig());
  try {
    const g = createGoldenServices(services);
    await body(services, g);
    await services.audit.seal();
  } finally {
    await services.database.close();
  }
}

/** `custodian rematch`, `custodian merge`, `custodian unmerge`. */
export function registerGoldenCommands(program: Command): void {
  program
    .command('rematch')
    .description('Re-match stored records with the active model (after changing rules or the model); --dry-run only reports')
    .option('--schema <name>', 'schema to re-match (default: the only schema, or the source’s)')
    .option('--source <name>', 're-match only this source’s records (against the whole schema)')
    .option('--dry-run', 'report what would merge and split without changing anything')
    .option('--json', 'machine-readable output')
    .action((o: { schema?: string; source?: string; dryRun?: boolean; json?: boolean }) =>
      run(async () =>
        withGolden(async (s, g) => {
          const actor = cliActor();
          let schema = o.schema;
          if (!schema && !o.source) {
            const all = await s.schemas.list(actor);
            if (all.length !== 1) throw new Error(`give --schema or --source (schemas: ${all.map((x) => x.name).join(', ') || 'none'})`);
            schema = all[0]!.name;
          }
          const job = await g.stewardship.runRematchNow(actor, { schema, source: o.source, dryRun: o.dryRun ?? false });
          print(o.json ?? false, job, () => {
            const r = job.report as { records: number; merges: { count: number; customersAbsorbed: number }; splits: { count: number }; reviewTasks: { count: number }; notDuplicateHonoured: number } | null;
            if (job.status !== 'succeeded' || !r) return `Re-match ${job.id} ${job.status}: ${job.error ?? ''}`;
            return [
              `Re-match ${job.id} ${o.dryRun ? '(dry run) ' : ''}over ${r.records} records:`,
              `  merges:       ${r.merges.count} (${r.merges.customersAbsorbed} customers absorbed)`,
              `  splits:       ${r.splits.count}`,
              `  review tasks: ${r.reviewTasks.count}`,
              `  not-duplicate decisions honoured: ${r.notDuplicateHonoured}`,
            ].join('\n');
          });
        }),
      ),
    );
  program
    .command('merge')
    .description('Merge customers into the first one given')
    .argument('<customerIds...>', 'two or more customer ids')
    .requiredOption('--reason <text>', 'why (kept with the merge)')
    .option('--json', 'machine-readable output')
    .action((ids: string[], o: { reason: string; json?: boolean }) =>
      run(async () =>
        withGolden(async (_s, g) => {
          const r = await g.golden.merge(cliActor(), { customerIds: ids, into: ids[0], reason: o.reason });
          print(o.json ?? false, r, () => `Merged ${r.from.join(', ')} into ${r.into} (${r.recordsMoved} records moved); undo with: custodian unmerge ${r.mergeId}`);
        }),
      ),
    );
  program
    .command('unmerge')
    .description('Undo a merge (or split): records go back to their customers, golden values are recomputed')
    .argument('<mergeId>')
    .option('--reason <text>', 'why')
    .option('--json', 'machine-readable output')
    .action((mergeId: string, o: { reason?: string; json?: boolean }) =>
      run(async () =>
        withGolden(async (_s, g) => {
          const r = await g.golden.unmerge(cliActor(), mergeId, o.reason ? { reason: o.reason } : {});
          print(o.json ?? false, r, () => `Undid ${r.mergeId}: restored ${r.restored.join(', ')} (${r.recordsMoved} records moved back)`);
        }),
      ),
    );
}
