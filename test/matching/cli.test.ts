import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerMatchCommands } from '../../src/cli/commands/match.commands.js';

const dir = mkdtempSync(path.join(tmpdir(), 'custodian-cli-'));
const file = (name: string, text: string): string => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};

// The real binary (one spawn: start-up is slow), everything else in-process through commander.
function spawnCli(...args: string[]): { code: number | null; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: process.cwd(), encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stderr: r.stderr };
}

async function cli(...args: string[]): Promise<{ code: number; stderr: string }> {
  const program = new Command().exitOverride();
  registerMatchCommands(program);
  const chunks: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((c: string | Uint8Array) => {
    chunks.push(String(c));
    return true;
  }) as typeof process.stderr.write;
  const before = process.exitCode;
  process.exitCode = 0;
  try {
    await program.parseAsync(['node', 'custodian', ...args]);
    return { code: Number(process.exitCode ?? 0), stderr: chunks.join('') };
  } finally {
    process.stderr.write = write;
    process.exitCode = before;
  }
}

const GOOD = `id , first_name, surname, dob, email, city
1, william, smith, 1980-01-02, bill@x.org, springfield
2, bill, smith, 1980-01-02, bill@x.org, springfield
3, mary, jones, 1975-05-06, mary@y.org, riverton
4, marie, jones, 1975-05-06, , riverton
5, john, okonkwo, 1990-09-09, jo@z.org, lakeside
`;

describe('custodian dedupe / link CLI', () => {
  it('writes record_id,cluster_id for every record, pairs and a model', async () => {
    const input = file('good.csv', GOOD);
    const out = path.join(dir, 'clusters.csv');
    const pairs = path.join(dir, 'pairs.csv');
    const model = path.join(dir, 'model.json');
    const r = spawnCli('dedupe', input, '--id', 'id', '--out', out, '--pairs', pairs, '--save-model', model, '--threads', '1');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/summary: records=5 blocks=\d+ pairs_compared=\d+ clusters=\d+ seconds=/);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('record_id,cluster_id');
    expect(lines).toHaveLength(6);
    const ph = readFileSync(pairs, 'utf8').split('\n')[0]!;
    expect(ph.startsWith('a_id,b_id,probability,weight,givenName,familyName')).toBe(true);
    expect(JSON.parse(readFileSync(model, 'utf8')).format).toBe('custodian-match-model');
    const again = await cli('dedupe', input, '--id', 'id', '--out', out, '--model', model);
    expect(again.code).toBe(0);
  });

  it('links two files: a_id,b_id,probability', async () => {
    const a = file('a.csv', GOOD);
    const b = file('b.csv', GOOD.replace('william', 'wiliam'));
    const out = path.join(dir, 'links.csv');
    const r = await cli('link', a, b, '--id', 'id', '--out', out);
    expect(r.code).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('a_id,b_id,probability');
    expect(lines.some((l) => l.startsWith('1,1,'))).toBe(true);
  });

  it.each([
    ['missing id column', GOOD, ['--id', 'nope'], /id column "nope" not found/],
    ['duplicate ids', GOOD + '1, x, y, 1980-01-01, a@b.c, z\n', ['--id', 'id'], /duplicate ids in column "id": 1/],
    ['empty file', '', ['--id', 'id'], /the file is empty/],
    ['header only', 'id,first_name\n', ['--id', 'id'], /the file is empty/],
    ['no recognisable role', 'id,foo,bar\n1,a,b\n2,c,d\n', ['--id', 'id'], /no column has a recognisable role/],
    ['all-empty columns', 'id,first_name,surname\n1,,\n2,,\n', ['--id', 'id'], /every column with a role is empty/],
    ['empty mapped column', 'id,first_name,foo\n1,a,\n2,b,\n', ['--id', 'id', '--map', 'foo=text'], /column "foo" \(mapped to text\) is empty/],
    ['bad role', GOOD, ['--id', 'id', '--map', 'city=planet'], /unknown role "planet"/],
    ['model and save-model', GOOD, ['--id', 'id', '--model', 'a.json', '--save-model', 'b.json'], /cannot be used together/],
    ['bad threshold', GOOD, ['--id', 'id', '--threshold', '2'], /--threshold must be a probability/],
  ])('rejects %s with a clear message and exit code 2', async (_name, text, args, msg) => {
    const input = file(`bad-${Math.random().toString(36).slice(2)}.csv`, text);
    const r = await cli('dedupe', input, '--out', path.join(dir, 'x.csv'), ...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(msg);
  });
});
