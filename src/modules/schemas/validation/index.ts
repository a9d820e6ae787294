// Public API of record validation.
export { compileSchema, validateCompiled, validateRecord, validateValue } from './validate-record.js';
export type { CompiledSchema, FieldError, ValidationResult, ValidationRule } from './validate-record.js';
export { parseIsoDate, parseIsoDateTime } from './date.validator.js';
export { compareDecimal, parseDecimal } from './decimal.js';
export { isKnownCurrency, minorUnits } from './currency.validator.js';
export { lookupCountry } from './country.validator.js';
export { COUNTRIES, type CountryEntry } from './countries.data.js';
export { ADDRESS_KEYS, type Address, type AddressKey } from './address.validator.js';
export { normaliseEmail } from './contact.validator.js';
