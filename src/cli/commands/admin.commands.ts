import type { Command } from 'commander';
import { Actor } from '../../platform/auth/actor.js';
import { ROLES, type Role } from '../../platform/auth/permissions.js';
import { loadConfig } from '../../platform/config/config.js';
import { AppError } from '../../platform/errors/app-error.js';
import { migrateDatabase, openDatabase } from '../../platform/db/database.js';
import type { Services } from '../../server/services.js';
import { openRuntime } from '../../server/runtime.js';
import { print, run } from '../output.js';
import { resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';

function cliActor(): Actor {
  let who = 'unknown';
  try {
    who = userInfo().username;
  } catch {
    // no passwd entry (containers)
  }
  return Actor.system(`cli:${who}`);
}

async function withServices(body: (s: Services) => Promise<void>): Promise<void> {
  const services = await openRuntime(loadConfig());
  try {
    await body(services);
    await services.audit.seal();
  } finally {
    await services.database.close();
  }
}

function parseRoles(value: string): Role[] {
  const roles = value.split(',').map((r) => r.trim()).filter(Boolean);
  const bad = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (roles.length === 0 || bad.length > 0) {
    throw new AppError('BAD_REQUEST', `Unknown role ${bad.join(', ') || '(none)'}; use ${ROLES.join(', ')}`);
  }
  return roles as Role[];
}

function list(value: string | undefined): string[] {
  return value ? value.split(',').map((s) => s.trim()).filter(Boolean) : [];
}

export function registerAdminCommands(program: Command): void {
  program
    .command('migrate')
    .description('Apply database migrations (also done automatically by serve)')
    .option('--json', 'machine-readable output')
    .action((opts: { json?: boolean }) =>
      run(async () => {
        const config = loadConfig();
        const database = await openDatabase({
          databaseUrl: config.databaseUrl,
          dataDir: config.databaseUrl ? undefined : resolve(config.dataDir, 'pglite'),
          poolSize: 2,
        });
        try {
          await migrateDatabase(database);
          print(!!opts.json, { ok: true, database: database.kind }, () => `Migrations applied (${database.kind}).`);
        } finally {
          await database.close();
        }
      }),
    );

  const user = program.command('user').description('Manage users');
  user
    .command('create')
    .description('Create a user')
    .requiredOption('--email <email>', 'e-mail address used to sign in')
    .requiredOption('--roles <roles>', `comma-separated roles: ${ROLES.join(', ')}`)
    .option('--name <name>', 'display name (default: the e-mail address)')
    .option('--password <password>', 'password (at least 12 characters); generated and printed when omitted')
    .option('--areas <ids>', 'comma-separated business area ids to scope the user to (default: all)')
    .option('--json', 'machine-readable output')
    .action((opts: { email: string; roles: string; name?: string; password?: string; areas?: string; json?: boolean }) =>
      run(async () => {
        const roles = parseRoles(opts.roles);
        const password = opts.password ?? randomBytes(15).toString('base64url');
        await withServices(async (s) => {
          const u = await s.governance.createUser(cliActor(), {
            email: opts.email,
            displayName: opts.name ?? opts.email,
            password,
            roles,
            businessAreaIds: list(opts.areas),
          });
          print(!!opts.json, { user: u, password: opts.password ? undefined : password }, () =>
            `Created user ${u.email} (${u.id}) with roles ${u.roles.join(', ')}` + (opts.password ? '' : `\nPassword (shown only now): ${password}`),
          );
        });
      }),
    );

  const apikey = program.command('apikey').description('Manage API keys for integrations');
  apikey
    .command('create')
    .description('Create an API key; the key is printed once and stored only as a hash')
    .requiredOption('--name <name>', 'what the key is for, e.g. "POS integration"')
    .requiredOption('--roles <roles>', `comma-separated roles: ${ROLES.join(', ')}`)
    .option('--areas <ids>', 'comma-separated business area ids (default: all)')
    .option('--expires <iso>', 'expiry as an ISO 8601 date-time with offset')
    .option('--json', 'machine-readable output')
    .action((opts: { name: string; roles: string; areas?: string; expires?: string; json?: boolean }) =>
      run(async () => {
        const roles = parseRoles(opts.roles);
        await withServices(async (s) => {
          const r = await s.governance.createApiKey(cliActor(), { name: opts.name, roles, businessAreaIds: list(opts.areas), expiresAt: opts.expires });
          print(!!opts.json, r, () => `Created API key ${r.apiKey.id} "${r.apiKey.name}" (${r.apiKey.roles.join(', ')})\nKey (shown only now): ${r.key}`);
        });
      }),
    );
  apikey
    .command('revoke')
    .description('Revoke an API key')
    .argument('<id>', 'the key id (key_…)')
    .option('--json', 'machine-readable output')
    .action((id: string, opts: { json?: boolean }) =>
      run(async () => {
        await withServices(async (s) => {
          const k = await s.governance.revokeApiKey(cliActor(), id);
          print(!!opts.json, k, () => `Revoked API key ${k.id} "${k.name}" at ${k.revokedAt}`);
        });
      }),
    );
  apikey
    .command('list')
    .description('List API keys')
    .option('--json', 'machine-readable output')
    .action((opts: { json?: boolean }) =>
      run(async () => {
        await withServices(async (s) => {
          const keys = await s.governance.listApiKeys(cliActor());
          print(!!opts.json, keys, () =>
            keys.length === 0 ? 'No API keys.' : keys.map((k) => `${k.id}  ${k.revokedAt ? 'revoked' : 'active '}  ${k.roles.join(',').padEnd(16)}  ${k.name}`).join('\n'),
          );
        });
      }),
    );

  const audit = program.command('audit').description('Audit log');
  audit
    .command('verify')
    .description('Verify the tamper-evident hash chain and name the first broken entry')
    .option('--json', 'machine-readable output')
    .action((opts: { json?: boolean }) =>
      run(async () => {
        await withServices(async (s) => {
          const r = await s.audit.verify();
          print(!!opts.json, r, () =>
            r.ok
              ? `Audit chain OK: ${r.checked} entries verified${r.redacted ? ` (${r.redacted} with redacted payloads)` : ''}${r.unsealed ? `, ${r.unsealed} not yet sealed` : ''}.`
              : `Audit chain BROKEN at entry ${r.firstBroken!.id} (seq ${r.firstBroken!.seq}, position ${r.firstBroken!.chainPos}): ${r.firstBroken!.reason}. ${r.checked} entries before it verified.`,
          );
          if (!r.ok) process.exitCode = 3;
        });
      }),
    );
}
