import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerGoldenCommands } from '../../src/cli/commands/golden.commands.js';
import { createGoldenServices } from '../../src/modules/golden/golden.wiring.js';
import { Actor } from '../../src/platform/auth/actor.js';
import { loadConfig } from '../../src/platform/config/config.js';
import { openRuntime } from '../../src/server/runtime.js';
import { PERSON } from './golden-system.js';

async function cli(...args: string[]): Promise<string> {
  const out: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((s) => (out.push(String(s)), true));
  try {
    const p = new Command().exitOverride();
    registerGoldenCommands(p);
    await p.parseAsync(['node', 'custodian', ...args]);
  } finally {
    spy.mockRestore();
    err.mockRestore();
  }
  return out.join('');
}

describe('golden: CLI (custodian rematch, merge, unmerge) [pglite]', () => {
  const dir = mkdtempSync(join(tmpdir(), 'custodian-golden-cli-'));
  const ids: string[] = [];
  beforeAll(async () => {
    process.env.CUSTODIAN_DATA_DIR = dir;
    const s = await openRuntime(loadConfig());
    createGoldenServices(s);
    const actor = Actor.system();
    const schema = await s.schemas.create(actor, { name: 'person', definition: PERSON });
    await s.sources.create(actor, { name: 'crm', schema: schema.id, systemType: 'crm' });
    for (const [k, v] of [['1', { first_name: 'Anna', last_name: 'Qwertyson', email: 'anna@q.example' }], ['2', { first_name: 'Carl', last_name: 'Zyxwvut', email: 'carl@z.example' }]] as const) {
      ids.push((await s.records.write(actor, { source: 'crm', key: k, values: v })).record.customerId!);
    }
    await s.database.close();
  }, 120_000);
  afterAll(() => {
    delete process.env.CUSTODIAN_DATA_DIR;
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports a dry-run re-match, merges and unmerges', async () => {
    const dry = JSON.parse(await cli('rematch', '--dry-run', '--json'));
    expect(dry).toMatchObject({ status: 'succeeded', dryRun: true, report: { records: 2, merges: { count: 0 }, splits: { count: 0 } } });
    expect(await cli('rematch', '--dry-run')).toMatch(/merges: +0/);
    const merged = JSON.parse(await cli('merge', ids[0]!, ids[1]!, '--reason', 'same person', '--json'));
    expect(merged).toMatchObject({ into: ids[0], from: [ids[1]], recordsMoved: 1 });
    expect(await cli('unmerge', merged.mergeId)).toMatch(new RegExp(`Undid ${merged.mergeId}: restored ${ids[1]}`));
    expect(await cli('unmerge', merged.mergeId)).toMatch(/already undone/);
  }, 120_000);
});
