import { writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { Actor } from '../../platform/auth/actor.js';
import { loadConfig } from '../../platform/config/config.js';
import type { Services } from '../../server/services.js';
import { openRuntime } from '../../server/runtime.js';
import { createConsentServices, type ConsentServices } from '../../modules/consent/consent.composition.js';
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

async function withConsent(body: (c: ConsentServices, s: Services) => Promise<void>): Promise<void> {
  const services = await openRuntime(loadConfig());
  try {
    await body(createConsentServices(services), services);
    await services.audit.seal();
  } finally {
    await services.database.close();
  }
}

/** `custodian consent …`, `custodian portal …`, `custodian dsr …`, `custodian retention …`. */
export function registerConsentCommands(program: Command): void {
  const consent = program.command('consent').description('Consent ledger');
  consent
    .command('check')
    .description('Is contact allowed? Prints allowed yes/no, the reason and the deciding record')
    .requiredOption('--customer <id>', 'customer id')
    .requiredOption('--purpose <key>', 'purpose key or id')
    .requiredOption('--channel <key>', 'channel key (email, sms, phone, post, push, in_store, …)')
    .option('--json', 'machine-readable output')
    .action((o: { customer: string; purpose: string; channel: string; json?: boolean }) =>
      run(() =>
        withConsent(async (c) => {
          const r = await c.consent.check(cliActor(), o.customer, o.purpose, o.channel);
          print(!!o.json, r, () => `${r.allowed ? 'ALLOWED' : 'NOT ALLOWED'} (${r.reason})${r.decidingRecord ? ` — ${r.decidingRecord.status} ${r.decidingRecord.capturedAt} [${r.decidingRecord.eventId}]` : ''}`);
          if (!r.allowed) process.exitCode = 4;
        }),
      ),
    );
  consent
    .command('expire')
    .description('Expire consents past their end date now')
    .option('--json', 'machine-readable output')
    .action((o: { json?: boolean }) =>
      run(() =>
        withConsent(async (c) => {
          const n = await c.consent.expireDue();
          print(!!o.json, { expired: n }, () => `${n} consent(s) expired.`);
        }),
      ),
    );

  const portal = program.command('portal').description('Customer self-service portal');
  portal
    .command('link')
    .description('Create a verification link for a customer (printed, e-mailed, or as a QR code)')
    .requiredOption('--customer <id>', 'customer id')
    .option('--email [address]', 'e-mail the link (to the address on file, or the one given)')
    .option('--qr <file>', 'write a QR code of the link to this file (.png or .svg)')
    .option('--hours <n>', 'lifetime in hours (default: CUSTODIAN_PORTAL_TOKEN_TTL_DAYS, 7 days)')
    .option('--json', 'machine-readable output')
    .action((o: { customer: string; email?: string | boolean; qr?: string; hours?: string; json?: boolean }) =>
      run(() =>
        withConsent(async (c) => {
          const qrFormat = o.qr?.toLowerCase().endsWith('.png') ? 'png' : 'svg';
          const r = await c.portal.createLink(cliActor(), {
            customer: o.customer,
            delivery: o.email ? 'email' : o.qr ? 'qr' : 'link',
            ...(typeof o.email === 'string' ? { email: o.email } : {}),
            ...(o.hours ? { expiresInHours: Number(o.hours) } : {}),
            qrFormat,
          });
          if (o.qr && r.qr) {
            const data = r.qr.format === 'png' ? Buffer.from(r.qr.data.split(',')[1]!, 'base64') : r.qr.data;
            writeFileSync(o.qr, data);
          }
          print(!!o.json, { ...r, qr: r.qr ? { format: r.qr.format, file: o.qr } : undefined }, () =>
            [
              `Link ${r.link.id} for ${r.link.customerId}, valid until ${r.link.expiresAt}`,
              r.url ? `URL (shown only now): ${r.url}` : `E-mailed to ${r.email!.to} (${r.email!.delivery}${r.email!.file ? `: ${r.email!.file}` : ''})`,
              o.qr ? `QR code written to ${o.qr}` : '',
            ].filter(Boolean).join('\n'),
          );
        }),
      ),
    );
  portal
    .command('revoke')
    .description('Revoke a verification link')
    .argument('<id>', 'link id (ptk_…)')
    .action((id: string) =>
      run(() =>
        withConsent(async (c) => {
          const l = await c.portal.revokeLink(cliActor(), id);
          process.stdout.write(`Revoked ${l.id} at ${l.revokedAt}\n`);
        }),
      ),
    );

  const dsr = program.command('dsr').description('Data-subject requests');
  dsr
    .command('erase')
    .description('Erase a customer everywhere (keeps a tombstone without personal data)')
    .requiredOption('--customer <id>', 'customer id')
    .requiredOption('--basis <text>', 'legal basis, e.g. "GDPR Art. 17(1)(b): consent withdrawn"')
    .option('--request <id>', 'the data-subject request this fulfils')
    .option('--anonymise', 'keep non-identifying public attributes for statistics instead of deleting records')
    .option('--json', 'machine-readable output')
    .action((o: { customer: string; basis: string; request?: string; anonymise?: boolean; json?: boolean }) =>
      run(() =>
        withConsent(async (c) => {
          const t = await c.dsr.erase(cliActor(), o.customer, { legalBasis: o.basis, requestId: o.request, mode: o.anonymise ? 'anonymise' : 'erase' });
          print(!!o.json, t, () => `Erased ${t.customerId} (${t.mode}) at ${t.erasedAt}; rows touched: ${Object.entries(t.counts).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ')}`);
        }),
      ),
    );
  dsr
    .command('export')
    .description('Access / portability export of one customer')
    .requiredOption('--customer <id>', 'customer id')
    .option('--format <f>', 'json or csv', 'json')
    .option('--out <file>', 'write to a file instead of standard output')
    .action((o: { customer: string; format: string; out?: string }) =>
      run(() =>
        withConsent(async (c) => {
          const r = await c.dsr.accessExport(cliActor(), o.customer, o.format === 'csv' ? 'csv' : 'json');
          const text = r.csv ?? `${JSON.stringify(r.bundle, null, 2)}\n`;
          if (o.out) writeFileSync(o.out, text, { mode: 0o600 });
          else process.stdout.write(text);
        }),
      ),
    );
  for (const [name, lift] of [['restrict', false], ['unrestrict', true]] as const) {
    dsr
      .command(name)
      .description(lift ? 'Lift a restriction of processing' : 'Restrict processing of a customer (no processing, exports or contact)')
      .requiredOption('--customer <id>', 'customer id')
      .action((o: { customer: string }) =>
        run(() =>
          withConsent(async (c) => {
            const r = lift ? await c.dsr.liftRestriction(cliActor(), o.customer) : await c.dsr.restrict(cliActor(), o.customer, {});
            process.stdout.write(`${JSON.stringify(r)}\n`);
          }),
        ),
      );
  }

  program
    .command('retention')
    .description('Retention by inactivity')
    .command('run')
    .description('Flag inactive customers and erase/anonymise those past their grace period (use --dry-run first)')
    .option('--dry-run', 'report only, change nothing')
    .option('--json', 'machine-readable output')
    .action((o: { dryRun?: boolean; json?: boolean }) =>
      run(() =>
        withConsent(async (c) => {
          const r = await c.dsr.runRetention(cliActor(), { dryRun: !!o.dryRun });
          print(!!o.json, r, () =>
            r.policies.length === 0
              ? 'No retention policies.'
              : r.policies
                  .map((p) => `${r.dryRun ? '[dry run] ' : ''}schema ${p.schemaId}: inactive ${p.inactiveMonths} months, grace ${p.graceDays} days, ${p.action}: ${p.newlyFlagged.length} to flag, ${p.unflagged.length} active again, ${p.due.length} due${p.held.length ? `, ${p.held.length} held (restricted)` : ''}${r.dryRun ? '' : `, ${p.acted} done`}`)
                  .join('\n'),
          );
        }),
      ),
    );
}
