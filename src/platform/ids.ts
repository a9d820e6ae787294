import { monotonicFactory } from 'ulidx';

const ulid = monotonicFactory();

export const ID_PREFIXES = {
  customer: 'cus',
  source: 'src',
  record: 'rec',
  schema: 'sch',
  businessArea: 'ba',
  user: 'usr',
  apiKey: 'key',
  audit: 'aud',
  event: 'evt',
  job: 'job',
  quarantine: 'qrn',
  consentPurpose: 'cpu',
  consentEvent: 'cev',
  consentQuarantine: 'cqr',
  marketingExport: 'mex',
  dsrRequest: 'dsr',
  portalToken: 'ptk',
  portalCorrection: 'pcr',
  merge: 'mrg',
  reviewTask: 'rvw',
  matchModel: 'mdl',
  rematchJob: 'rmj',
  webhook: 'whk',
  delivery: 'dlv',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

/** Prefixed, time-sortable id such as `cus_01JD…`. */
export function newId(kind: IdKind): string {
  return `${ID_PREFIXES[kind]}_${ulid().toLowerCase()}`;
}

export function isIdOf(kind: IdKind, value: string): boolean {
  return new RegExp(`^${ID_PREFIXES[kind]}_[0-9a-hjkmnp-tv-z]{26}$`).test(value);
}
