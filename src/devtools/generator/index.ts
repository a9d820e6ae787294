// Public surface of the synthetic customer generator (tests, benchmarks, `custodian generate`).
export {
  type AnnotatedCustomer,
  type GeneratedCustomer,
  type GeneratorOptions,
  type GeneratorStats,
  generateAnnotatedCustomers,
  generateCustomers,
  resolveOptions,
} from './customer-generator.js';
export { CUSTOMER_CSV_COLUMNS, TRUTH_CSV_HEADER, type WriteCsvOptions, type WriteCsvResult, csvField, customerCsvLine, writeCustomersCsv } from './csv-writer.js';
export { type VariationKind, VARIATION_KINDS, VARIATION_WEIGHTS } from './variations.js';
export { type ErrorKind, ERROR_KINDS } from './errors.js';
export { type HardNegativeKind, HARD_NEGATIVE_KINDS } from './hard-negatives.js';
export { SUPPORTED_COUNTRIES } from './addresses.data.js';
export { isLuhnValid } from './fields.js';
