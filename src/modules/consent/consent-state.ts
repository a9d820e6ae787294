// Pure consent state derivation: the ledger's events folded into the current state per subject.

export const CONSENT_STATUSES = ['granted', 'denied', 'withdrawn', 'expired'] as const;
export type ConsentStatus = (typeof CONSENT_STATUSES)[number];

/** The fields of a ledger event that decide the state. */
export type ConsentEventFacts = {
  id: string;
  seq: number;
  status: ConsentStatus;
  capturedAt: number;
  validUntil: number | null;
  lawfulBasis: string;
  noticeVersion: number | null;
  /** For `expired` events: the grant they end. */
  expires?: string | null;
};

export type DerivedState = {
  status: ConsentStatus;
  eventId: string;
  eventSeq: number;
  capturedAt: number;
  validUntil: number | null;
  lawfulBasis: string;
  noticeVersion: number | null;
};

function fromEvent(e: ConsentEventFacts): DerivedState {
  return { status: e.status, eventId: e.id, eventSeq: e.seq, capturedAt: e.capturedAt, validUntil: e.validUntil, lawfulBasis: e.lawfulBasis, noticeVersion: e.noticeVersion };
}

/**
 * One step of the fold. A customer decision (granted, denied, withdrawn) wins when it was captured later
 * than the deciding one (ties: recorded later), so importing an old consent never overrides a newer
 * choice. An expiry only ends the grant it names, so an expiry racing a fresh grant cannot expire it.
 */
export function applyConsentEvent(state: DerivedState | null, e: ConsentEventFacts): DerivedState | null {
  if (e.status === 'expired') {
    return state && state.status === 'granted' && state.eventId === e.expires ? fromEvent(e) : state;
  }
  if (!state) return fromEvent(e);
  const later = e.capturedAt > state.capturedAt || (e.capturedAt === state.capturedAt && e.seq > state.eventSeq);
  return later ? fromEvent(e) : state;
}

/** Replays events in recording order (seq). */
export function replayConsent(events: readonly ConsentEventFacts[]): DerivedState | null {
  return [...events].sort((a, b) => a.seq - b.seq).reduce<DerivedState | null>(applyConsentEvent, null);
}

export type CheckReason = 'granted' | 'no_consent' | 'denied' | 'withdrawn' | 'expired' | 'restricted' | 'erased' | 'unknown_purpose' | 'unknown_channel';

/** Whether contact is allowed now: only a granted consent that has not passed its end date. */
export function effectiveStatus(state: DerivedState | null, now: number): { allowed: boolean; reason: CheckReason } {
  if (!state) return { allowed: false, reason: 'no_consent' };
  if (state.status === 'granted') {
    // The expiry job may not have run yet; the check never relies on it.
    if (state.validUntil !== null && state.validUntil <= now) return { allowed: false, reason: 'expired' };
    return { allowed: true, reason: 'granted' };
  }
  return { allowed: false, reason: state.status };
}
