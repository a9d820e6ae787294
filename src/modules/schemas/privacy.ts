import type { PrivacyLevel } from '../governance/index.js';
import type { SchemaDefinition } from './definition.js';

const STRICTNESS: Record<PrivacyLevel, number> = { public: 0, personal: 1, sensitive: 2 };

/** Privacy of every attribute across definitions; the strictest wins where they disagree. */
export function strictestPrivacy(definitions: readonly SchemaDefinition[]): Map<string, PrivacyLevel> {
  const out = new Map<string, PrivacyLevel>();
  for (const d of definitions) {
    for (const a of d.attributes) {
      const prev = out.get(a.name);
      if (!prev || STRICTNESS[a.privacy] > STRICTNESS[prev]) out.set(a.name, a.privacy);
    }
  }
  return out;
}
