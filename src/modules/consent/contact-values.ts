import type { AttributeType, SchemaDefinition } from '../schemas/index.js';

// Which attribute type holds the address for a channel; channels without one export no contact value.
const CHANNEL_TYPES: Record<string, AttributeType> = { email: 'email', sms: 'phone', phone: 'phone', post: 'address', push: 'identifier' };

/** The first value of the channel's attribute type in a record's validated values, or null. */
export function contactValueOf(definition: SchemaDefinition, values: Record<string, unknown> | null, channel: string): unknown {
  const type = CHANNEL_TYPES[channel];
  if (!type || !values) return null;
  for (const a of definition.attributes) {
    if (a.type !== type) continue;
    const v = values[a.name];
    if (v !== null && v !== undefined && v !== '') return v;
  }
  return null;
}
