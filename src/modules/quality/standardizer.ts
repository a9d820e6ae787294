import type { SchemaDefinition } from '../schemas/index.js';
import { standardizeRecord } from '../standardize/index.js';
import type { Verification } from './verification.js';

export type StandardizeOptions = { region?: string; dateFormats?: Record<string, string[]>; now?: Date };
export type StandardizeResult = { standardized: Record<string, unknown>; verification: Record<string, Verification> };
/** The signature of `standardizeRecord` in src/modules/standardize (the standardization library). */
export type RecordStandardizer = (definition: SchemaDefinition, values: Record<string, unknown>, opts: StandardizeOptions) => StandardizeResult;

const VALID: Verification = Object.freeze({ status: 'valid', reasons: [] }) as unknown as Verification;

/**
 * No standardization: validated values are already normalised by the schema validators (E.164 phones,
 * lower-case e-mail domains, ISO dates), so they are taken as the standardized form and every filled
 * value as valid. For tests and callers that want scoring without the standardization rules.
 */
export const passThroughStandardizer: RecordStandardizer = (_definition, values) => {
  const verification: Record<string, Verification> = {};
  for (const [k, v] of Object.entries(values)) if (v !== null && v !== undefined) verification[k] = VALID;
  return { standardized: values, verification };
};

/** What the records writer uses: the standardization library (names, e-mail, phone, dates, addresses, countries). */
export const defaultStandardizer: RecordStandardizer = standardizeRecord;
