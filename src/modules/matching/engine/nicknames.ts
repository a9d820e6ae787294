import { NICKNAME_GROUPS } from './nicknames.data.js';

const EMPTY: readonly number[] = [];
let index: Map<string, number[]> | null = null;

function build(): Map<string, number[]> {
  const m = new Map<string, number[]>();
  NICKNAME_GROUPS.forEach((group, g) => {
    for (const name of group.split(' ')) {
      if (name.length === 0) continue;
      const list = m.get(name);
      if (list === undefined) m.set(name, [g]);
      else if (!list.includes(g)) list.push(g);
    }
  });
  return m;
}

/** Nickname-group ids a standardized given name belongs to (empty when unknown). */
export function nicknameGroups(name: string): readonly number[] {
  index ??= build();
  return index.get(name) ?? EMPTY;
}

/** True when two given names share a nickname group (William ≈ Bill, Margaret ≈ Peggy). */
export function areNicknames(a: string, b: string): boolean {
  const ga = nicknameGroups(a);
  if (ga.length === 0) return false;
  const gb = nicknameGroups(b);
  for (const x of ga) if (gb.includes(x)) return true;
  return false;
}

/** Number of equivalence groups in the table. */
export function nicknameGroupCount(): number {
  return NICKNAME_GROUPS.length;
}

/** Formal name of a given name's first nickname group ("bill" → "william"), else the name itself. */
export function canonicalName(name: string): string {
  const g = nicknameGroups(name);
  if (g.length === 0) return name;
  return NICKNAME_GROUPS[g[0]!]!.split(' ')[0]!;
}
