// Public API of the standardization & contact-verification library (pure: no DB, no HTTP).
export type { Reason, StandardizedValue, Verification, VerificationStatus } from './types.js';
export { foldKey } from './fold.js';
export { standardizeName } from './name.standardizer.js';
export { splitFullName, type NameParts } from './name-split.js';
export { standardizeEmail, isRoleLocalPart } from './email.standardizer.js';
export { standardizePhone, type PhoneType, type StandardizedPhone } from './phone.standardizer.js';
export { standardizeDate, expandTwoDigitYear, type DateKind, type DateOptions } from './date.standardizer.js';
export { standardizeAddress, standardizeStreetLine, type AddressOptions } from './address.standardizer.js';
export { standardizePostcode } from './postcode.standardizer.js';
export { standardizeCountry } from './country.standardizer.js';
export { standardizeRecord, attributeKind, isBirthDateAttribute, type RecordOptions, type StandardizedRecord } from './record.standardizer.js';
