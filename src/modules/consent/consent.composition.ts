import { Actor } from '../../platform/auth/actor.js';
import type { Database } from '../../platform/db/database.js';
import type { AuditService } from '../audit/index.js';
import { DsrService } from '../dsr/dsr.service.js';
import { Mailer } from '../portal/mailer.js';
import type { PortalConfig } from '../portal/portal.config.js';
import { readPortalConfig } from '../portal/portal.config.js';
import { PortalService } from '../portal/portal.service.js';
import type { RecordsService } from '../records/index.js';
import type { SchemasService } from '../schemas/index.js';
import type { SourcesService } from '../sources/index.js';
import { ConsentService } from './consent.service.js';
import { MarketingExportService } from './marketing-export.service.js';

/** The services of consent management, data-subject rights and the portal. */
export type ConsentServices = {
  config: PortalConfig;
  consent: ConsentService;
  marketing: MarketingExportService;
  dsr: DsrService;
  portal: PortalService;
  mailer: Mailer;
};

export type ConsentDeps = { database: Database; audit: AuditService; schemas: SchemasService; sources: SourcesService; records: RecordsService };

/** Wires the consent, DSR and portal services; settings come from the environment unless given. */
export function createConsentServices(deps: ConsentDeps, config: PortalConfig = readPortalConfig()): ConsentServices {
  const consent = new ConsentService(deps.database, deps.audit);
  const marketing = new MarketingExportService(deps.database, deps.audit, deps.schemas, consent);
  const mailer = new Mailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, outboxDir: config.outboxDir });
  const dsr = new DsrService(deps.database, deps.audit, deps.schemas, deps.sources, deps.records, consent, { deadlineDays: config.dsrDeadlineDays });
  // Development mails name the customer in the file name; erasure deletes them too.
  dsr.onErased.push((ids) => mailer.purgeTagged(ids).then(() => undefined));
  const portal = new PortalService(deps.database, deps.audit, deps.schemas, deps.sources, deps.records, consent, dsr, mailer, config);
  return { config, consent, marketing, dsr, portal, mailer };
}

export type ConsentJobs = { stop(): Promise<void>; runOnce(): Promise<{ expired: number }> };

/**
 * Background housekeeping every CUSTODIAN_CONSENT_JOBS_INTERVAL_SECONDS: expire consents past their end
 * date, purge old portal nonces, and run retention (not a dry run) when policies exist.
 */
export function startConsentJobs(services: Pick<ConsentServices, 'consent' | 'dsr' | 'portal' | 'config'>, opts: { intervalMs?: number; retention?: boolean; onError?: (err: unknown) => void } = {}): ConsentJobs {
  let running: Promise<{ expired: number }> | null = null;
  const runOnce = async (): Promise<{ expired: number }> => {
    running ??= (async () => {
      try {
        const expired = await services.consent.expireDue();
        await services.portal.purgeNonces();
        if (opts.retention !== false) await services.dsr.runRetention(Actor.system('retention'), { dryRun: false });
        return { expired };
      } finally {
        running = null;
      }
    })();
    return running;
  };
  const timer = setInterval(() => {
    runOnce().catch((err: unknown) => opts.onError?.(err));
  }, opts.intervalMs ?? services.config.jobsIntervalSeconds * 1000);
  timer.unref();
  return {
    runOnce,
    stop: async () => {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
