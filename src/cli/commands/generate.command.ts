import { InvalidArgumentError, type Command } from 'commander';
import { SUPPORTED_COUNTRIES, writeCustomersCsv } from '../../devtools/generator/index.js';

type GenerateFlags = {
  rows: number;
  seed: number;
  duplicates: number;
  maxDuplicates: number;
  errors: number;
  countries: string[];
  out: string;
  truth?: string;
  hardNegatives: boolean;
  json?: boolean;
  progress: boolean;
};

function intArg(name: string, min: number): (v: string) => number {
  return (v) => {
    const n = Number(v.replace(/_/g, ''));
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}.`);
    return n;
  };
}

function rateArg(v: string): number {
  const n = Number(v);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError('must be a number between 0 and 1.');
  return n;
}

function countriesArg(v: string): string[] {
  const list = v.split(',').map((c) => c.trim().toUpperCase()).filter(Boolean);
  const bad = list.filter((c) => !SUPPORTED_COUNTRIES.includes(c));
  if (list.length === 0 || bad.length) throw new InvalidArgumentError(`unsupported country ${bad.join(', ') || '(none)'}; supported: ${SUPPORTED_COUNTRIES.join(', ')}.`);
  return list;
}

/** Register `custodian generate`: write a seeded synthetic customer CSV (and its ground truth). */
export function registerGenerateCommand(program: Command): void {
  program
    .command('generate')
    .description('Generate a seeded, realistic customer CSV with known duplicates and hard non-matches')
    .requiredOption('-n, --rows <count>', 'number of rows to write', intArg('--rows', 0))
    .requiredOption('-o, --out <path>', 'customer CSV to write')
    .option('--truth <path>', 'also write customer_id,entity_id ground truth')
    .option('-s, --seed <int>', 'PRNG seed (same seed -> identical files)', intArg('--seed', -2147483648), 42)
    .option('-d, --duplicates <rate>', 'share of rows that duplicate an earlier entity', rateArg, 0.2)
    .option('--max-duplicates <n>', 'maximum duplicates per entity', intArg('--max-duplicates', 0), 4)
    .option('-e, --errors <rate>', 'share of rows with invalid/messy values (ingestion tests)', rateArg, 0)
    .option('-c, --countries <codes>', `comma-separated ISO codes, first is primary (${SUPPORTED_COUNTRIES.join(', ')})`, countriesArg, ['US'])
    .option('--country <codes>', 'alias of --countries', countriesArg)
    .option('--no-hard-negatives', 'skip households, twins, father & son and common-name clusters')
    .option('--no-progress', 'do not print progress on stderr')
    .option('--json', 'print the summary as JSON on stdout')
    .addHelpText('after', '\nExample:\n  custodian generate --rows 100000 --seed 7 --duplicates 0.25 --errors 0.05 --countries US,GB --out customers.csv --truth truth.csv\n')
    .action(async (flags: GenerateFlags & { country?: string[] }) => {
      const started = process.hrtime.bigint();
      const countries = flags.country ?? flags.countries;
      const showProgress = flags.progress && !flags.json;
      const result = await writeCustomersCsv(
        flags.out,
        {
          count: flags.rows, seed: flags.seed, duplicateRate: flags.duplicates, maxDuplicatesPerEntity: flags.maxDuplicates,
          errorRate: flags.errors, countries, hardNegatives: flags.hardNegatives,
        },
        {
          truthPath: flags.truth,
          progressEvery: Math.max(10_000, Math.ceil(flags.rows / 20)),
          onProgress: showProgress
            ? (rows) => process.stderr.write(`generate: ${rows.toLocaleString('en-US')}/${flags.rows.toLocaleString('en-US')} rows (${Math.floor((100 * rows) / flags.rows)}%)\n`)
            : undefined,
        },
      );
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (flags.json) {
        const summary = { ...result, out: flags.out, truth: flags.truth ?? null, seed: flags.seed, countries, seconds: Math.round(seconds * 1000) / 1000 };
        process.stdout.write(JSON.stringify(summary) + '\n');
        return;
      }
      const fmt = (n: number): string => n.toLocaleString('en-US');
      process.stdout.write(
        `Wrote ${fmt(result.rows)} rows (${fmt(result.entities)} entities, ${fmt(result.truePairs)} true duplicate pairs) to ${flags.out}` +
          `${flags.truth ? ` and truth to ${flags.truth}` : ''} in ${seconds.toFixed(1)}s (seed ${flags.seed}).\n`,
      );
    });
}
