import { beforeAll, expect, it } from 'vitest';
import { Actor } from '../../src/platform/auth/actor.js';
import { describeTiers } from '../support/tiers.js';
import { useQualitySystem } from './support.js';

const DEFINITION = {
  attributes: [
    { name: 'name', type: 'text', required: true, privacy: 'public' },
    { name: 'visits', type: 'integer', privacy: 'public' },
  ],
};

describeTiers('quality profile: numbers, concurrent reads', (tier) => {
  const sys = useQualitySystem(tier);
  const admin = Actor.system();

  beforeAll(async () => {
    await sys().services.schemas.create(admin, { name: 'counter', definition: DEFINITION });
    await sys().services.sources.create(admin, { name: 'shop', schema: 'counter', systemType: 'webshop' });
    await sys().services.records.writeMany(admin, 'shop', [
      { key: 'k1', values: { name: 'Ann', visits: 7 } },
      { key: 'k2', values: { name: 'Bob', visits: 12 } },
      { key: 'k3', values: { name: 'Cat', visits: -3 } },
      // Rejected, but profiled; to a pattern whose dot is not escaped it looks like a decimal (and the cast failed).
      { key: 'k4', values: { name: 'Dan', visits: '1x5' } },
    ]);
  });

  it('min and max are numeric over the plain numbers; other raw values are counted but do not break it', async () => {
    const p = await sys().quality.profile(admin, 'shop');
    const visits = p.attributes.find((a) => a.attribute === 'visits')!;
    expect(visits).toMatchObject({ filled: 4, distinct: 4, min: '-3', max: '12', status: { valid: 3, suspect: 0, invalid: 1, unassessed: 0 } });
    expect(visits.patterns).toEqual([
      { pattern: '-9', count: 1 },
      { pattern: '9', count: 1 },
      { pattern: '99', count: 1 },
      { pattern: '9a9', count: 1 },
    ]);
  });

  it('concurrent profiles and KPIs give the same figures as one at a time (only one of them spreads over connections)', async () => {
    const alone = { profile: await sys().quality.profile(admin, 'shop'), kpis: await sys().quality.computeKpis(admin, {}) };
    const together = await Promise.all([
      sys().quality.profile(admin, 'shop'),
      sys().quality.profile(admin, 'shop'),
      sys().quality.computeKpis(admin, {}),
      sys().quality.computeKpis(admin, {}),
    ]);
    const figures = (p: typeof alone.profile) => ({ ...p, profiledAt: null, tookMs: null });
    expect(together.slice(0, 2).map((p) => figures(p as typeof alone.profile))).toEqual([figures(alone.profile), figures(alone.profile)]);
    expect(together.slice(2)).toEqual([alone.kpis, alone.kpis]);
  });
});
