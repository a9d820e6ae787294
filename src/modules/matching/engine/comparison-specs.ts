import type { ComparisonKind, ComparisonSpec, Role, RoleMapping } from './types.js';

const KIND_OF_ROLE: Record<Role, ComparisonKind | null> = {
  givenName: 'name', familyName: 'name', middleName: 'name', fullName: 'fullName', dateOfBirth: 'date',
  email: 'email', phone: 'phone', identifier: 'identifier', postcode: 'postcode', street: 'fuzzyText',
  city: 'fuzzyText', text: 'fuzzyText', houseNumber: 'exact', state: 'exact', country: 'exact', gender: 'exact',
  ignore: null,
};

/** Ordered comparison levels per kind; the first level that holds wins. */
export function levelsFor(kind: ComparisonKind, withSwap: boolean): string[] {
  switch (kind) {
    case 'name':
      return ['null', 'exact', ...(withSwap ? ['given/family swapped'] : []), 'jaro-winkler >= 0.92', 'jaro-winkler >= 0.88', 'nickname', 'phonetic', 'else'];
    case 'fullName':
      return ['null', 'exact', 'token jaccard >= 0.7', 'token jaccard >= 0.4', 'share a token', 'else'];
    case 'date':
      return ['null', 'exact', 'day-month swapped', 'one digit off', 'within 1 year', 'within 10 years', 'else'];
    case 'email':
      return ['null', 'exact', 'same local part', 'same digits, local part jaro-winkler >= 0.88', 'else'];
    case 'phone':
      return ['null', 'exact', 'same last 7 digits', 'one edit', 'else'];
    case 'identifier':
      return ['null', 'exact', 'one edit', 'else'];
    case 'postcode':
      return ['null', 'exact', 'one edit', 'same district', 'else'];
    case 'fuzzyText':
      return ['null', 'exact', 'jaro-winkler >= 0.92', 'jaro-winkler >= 0.8', 'else'];
    case 'exact':
      return ['null', 'exact', 'else'];
  }
}

/** Build one comparison per mapped column, in a stable role order. */
export function buildComparisonSpecs(roles: RoleMapping): ComparisonSpec[] {
  const byRole = new Map<Role, string[]>();
  for (const [col, role] of Object.entries(roles)) {
    if (KIND_OF_ROLE[role] === null) continue;
    const list = byRole.get(role) ?? [];
    list.push(col);
    byRole.set(role, list);
  }
  const hasSwap = byRole.has('givenName') && byRole.has('familyName');
  const order: Role[] = ['givenName', 'familyName', 'middleName', 'fullName', 'dateOfBirth', 'email', 'phone', 'identifier', 'street', 'houseNumber', 'city', 'postcode', 'state', 'country', 'gender', 'text'];
  const specs: ComparisonSpec[] = [];
  for (const role of order) {
    const cols = byRole.get(role);
    if (!cols) continue;
    cols.forEach((column, k) => {
      const kind = KIND_OF_ROLE[role]!;
      const swap = hasSwap && k === 0 && (role === 'givenName' || role === 'familyName');
      specs.push({
        name: cols.length > 1 ? `${role}:${column}` : role,
        role,
        column,
        kind,
        levels: levelsFor(kind, swap),
        tf: kind !== 'identifier' && kind !== 'phone' && role !== 'gender',
      });
    });
  }
  return specs;
}
