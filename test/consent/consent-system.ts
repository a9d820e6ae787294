import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Actor } from '../../src/platform/auth/actor.js';
import type { Role } from '../../src/platform/auth/permissions.js';
import { createConsentServices, registerConsentRoutes, type ConsentServices } from '../../src/modules/consent/index.js';
import { registerPortalRoutes, type PortalLimits } from '../../src/modules/portal/portal.routes.js';
import { readPortalConfig, type PortalConfig } from '../../src/modules/portal/portal.config.js';
import { PERSON_DEFINITION, useSystem, type System } from '../support/system.js';
import type { TierName } from '../support/tiers.js';

export type { Res } from '../support/system.js';

type ConsentExtras = {
  cs: ConsentServices;
  outboxDir: string;
  sourceName: string;
  /** Creates a customer through the records service; returns its id and record id. */
  person(values: Record<string, unknown>, key?: string): Promise<{ customerId: string; recordId: string }>;
};

/** The system with consent, DSR and portal services of its own configuration, and one `person` schema + `crm` source. */
export type ConsentSystem = Omit<System, 'key'> & ConsentExtras & { key(role: Role): Promise<string> };

let seq = 0;

/** The whole system with the consent, DSR and portal routes registered, once per describe block. */
export function useConsentSystem(tier: TierName, opts: { config?: Partial<PortalConfig>; limits?: PortalLimits; matchOnArrival?: boolean } = {}): () => ConsentSystem {
  const sys = useSystem<ConsentExtras>(tier, {
    matchOnArrival: opts.matchOnArrival ?? false,
    extend: {
      exclude: ['consent'],
      setup: async (services, app) => {
        const outboxDir = mkdtempSync(join(tmpdir(), 'custodian-outbox-'));
        const cs = createConsentServices(services, readPortalConfig({}, { outboxDir, publicUrl: 'http://portal.test', ...opts.config }));
        registerConsentRoutes(app, cs);
        registerPortalRoutes(app, cs.portal, opts.limits);
        const schema = await services.schemas.create(admin(), { name: 'person', definition: PERSON_DEFINITION });
        const source = await services.sources.create(admin(), { name: 'crm', schema: schema.id, systemType: 'crm', description: 'our customer records' });
        return {
          cs,
          outboxDir,
          sourceName: source.name,
          person: async (values, key) => {
            const r = await services.records.write(admin(), { source: source.name, key: key ?? `K${++seq}-${Math.random().toString(36).slice(2, 8)}`, values });
            return { customerId: r.record.customerId!, recordId: r.record.id };
          },
        };
      },
      teardown: async (x) => rmSync(x.outboxDir, { recursive: true, force: true }),
    },
  });
  // The consent suites pass keys around as plain strings.
  const views = new WeakMap<System & ConsentExtras, ConsentSystem>();
  return () => {
    const s = sys();
    let view = views.get(s);
    if (!view) views.set(s, (view = { ...s, key: async (role: Role) => (await s.key(role)).key }));
    return view;
  };
}

export const admin = (): Actor => Actor.system('test');
