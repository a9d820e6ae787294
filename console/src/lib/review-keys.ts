// Keyboard shortcuts of the review queue: which key does what, and never while the person is typing.

export type ReviewAction = 'match' | 'not_match' | 'skip' | 'next' | 'prev' | 'assign_me' | 'back' | 'help';

export const REVIEW_SHORTCUTS: ReadonlyArray<{ key: string; action: ReviewAction; label: string }> = [
  { key: 'm', action: 'match', label: 'Match (merge the two customers)' },
  { key: 'n', action: 'not_match', label: 'Not a match (never suggested again)' },
  { key: 's', action: 'skip', label: 'Skip for now' },
  { key: 'j', action: 'next', label: 'Next task' },
  { key: 'k', action: 'prev', label: 'Previous task' },
  { key: 'a', action: 'assign_me', label: 'Assign to me' },
  { key: 'u', action: 'back', label: 'Back to the queue' },
  { key: '?', action: 'help', label: 'Show these shortcuts' },
];

export type KeyLike = { key: string; ctrlKey?: boolean; metaKey?: boolean; altKey?: boolean; repeat?: boolean; target?: unknown; defaultPrevented?: boolean };

type ElementLike = { tagName?: string; isContentEditable?: boolean; getAttribute?: (n: string) => string | null; type?: string };

const TEXT_INPUT_TYPES = new Set(['text', 'search', 'email', 'number', 'password', 'tel', 'url', 'date', 'datetime-local', 'time', '']);

/** Whether a key press lands in something the person types into (inputs, text areas, editors, comboboxes). */
export function isTypingTarget(target: unknown): boolean {
  if (!target || typeof target !== 'object') return false;
  const el = target as ElementLike;
  const tag = (el.tagName ?? '').toUpperCase();
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') return TEXT_INPUT_TYPES.has((el.type ?? '').toLowerCase());
  if (el.isContentEditable) return true;
  const role = el.getAttribute?.('role');
  return role === 'textbox' || role === 'combobox' || role === 'searchbox' || role === 'spinbutton';
}

/** The action a key press asks for, or null (modifiers, auto-repeat, typing, or an unbound key). */
export function reviewActionFor(e: KeyLike, dialogOpen = false): ReviewAction | null {
  if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.repeat) return null;
  if (isTypingTarget(e.target)) return null;
  const hit = REVIEW_SHORTCUTS.find((s) => s.key === e.key || (s.key.length === 1 && s.key !== '?' && s.key === e.key.toLowerCase() && e.key.length === 1));
  if (!hit) return null;
  // A confirmation or help dialog owns the keyboard; only its own "?" toggle passes.
  if (dialogOpen && hit.action !== 'help') return null;
  return hit.action;
}

/** The task id `delta` steps from `current` in `ids` (clamped; the first one when current is unknown). */
export function stepTask(ids: readonly string[], current: string | null | undefined, delta: number): string | null {
  if (ids.length === 0) return null;
  const i = current ? ids.indexOf(current) : -1;
  if (i < 0) return ids[0]!;
  return ids[Math.min(ids.length - 1, Math.max(0, i + delta))]!;
}

/**
 * Where to go after deciding `current`: the next undecided task after it in the list, else the nearest one
 * before it, else null (queue done).
 */
export function nextAfterDecision(ids: readonly string[], current: string, decided: ReadonlySet<string>): string | null {
  const i = ids.indexOf(current);
  const open = (id: string) => id !== current && !decided.has(id);
  for (let k = i + 1; k < ids.length; k++) if (open(ids[k]!)) return ids[k]!;
  for (let k = (i < 0 ? ids.length : i) - 1; k >= 0; k--) if (open(ids[k]!)) return ids[k]!;
  return null;
}
