export { RecordsService } from './records.service.js';
export type { RecordListQuery, SchemaFailure } from './records.service.js';
export type { StoredRecordRow } from './record-writer.js';
export { displayNameOf, foldName, phoneDigits } from './search-terms.js';
export { privacyMap, toRecordView } from './record-view.js';
export * from './records.schemas.js';
export { prepareRecords, writeRecordBatch, writeRecords, type AssignableRecord, type PreparedRecord, type WriteSummary, type CustomerAssigner, type IncomingRecord, type WriteContext, type WriteParts, type WrittenRecord, type JoinedGolden } from './record-writer.js';
