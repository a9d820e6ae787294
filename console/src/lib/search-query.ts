// What the single search box is looking for; the server does the actual matching (`GET /customers?q=`).

export type QueryKind = 'empty' | 'too-short' | 'customer-id' | 'record-id' | 'email' | 'phone' | 'key-or-name';

export type ClassifiedQuery = { kind: QueryKind; text: string; hint: string };

export const MIN_QUERY_LENGTH = 2;

/** Classifies the box's text so the console can say what it searches for and jump straight to an id. */
export function classifyQuery(input: string): ClassifiedQuery {
  const text = input.trim().replace(/\s+/g, ' ');
  if (text.length === 0) return { kind: 'empty', text, hint: 'Search by name, e-mail, phone, source key or customer id' };
  if (/^cus_[0-9a-z]{10,}$/i.test(text)) return { kind: 'customer-id', text, hint: 'Customer id — press Enter to open it' };
  if (/^rec_[0-9a-z]{10,}$/i.test(text)) return { kind: 'record-id', text, hint: 'Record id' };
  if (text.length < MIN_QUERY_LENGTH) return { kind: 'too-short', text, hint: 'Keep typing…' };
  if (/^[^\s@]+@[^\s@]*$/.test(text)) return { kind: 'email', text, hint: 'Searching by e-mail' };
  const digits = text.replace(/\D/g, '');
  if (/^\+?[\d\s().-]+$/.test(text) && digits.length >= 6) return { kind: 'phone', text, hint: 'Searching by phone number' };
  return { kind: 'key-or-name', text, hint: 'Searching names (fuzzy), source keys and ids' };
}

/** Whether the query is worth sending to the server. */
export function isSearchable(q: ClassifiedQuery): boolean {
  return q.kind !== 'empty' && q.kind !== 'too-short';
}

/** Arrow-key movement through a result list: wraps around, -1 means "nothing highlighted". */
export function moveHighlight(current: number, delta: number, length: number): number {
  if (length <= 0) return -1;
  if (current < 0) return delta > 0 ? 0 : length - 1;
  return (((current + delta) % length) + length) % length;
}

/** Human label for how a result matched (the API's `matchedOn`). */
export function matchedOnLabel(matchedOn: string | undefined): string | null {
  switch (matchedOn) {
    case undefined:
      return null;
    case 'name':
      return 'name';
    case 'email':
      return 'e-mail';
    case 'phone':
      return 'phone';
    case 'key':
      return 'source key';
    case 'id':
      return 'customer id';
    default:
      return matchedOn.replace(/_/g, ' ');
  }
}
