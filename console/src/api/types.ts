// Types of the API's responses, inferred from the server's own zod schemas so the console and server cannot drift.
// Type-only imports: nothing of the server is bundled.
import type { CustomerSummary, CustomerView } from '@server/modules/customers/customers.schemas.js';
import type { RecordQualityView, RecordView, RecordVersionView, WriteResult } from '@server/modules/records/records.schemas.js';
import type { SchemaView, SchemaVersionView } from '@server/modules/schemas/schemas.schemas.js';
import type { SourceView } from '@server/modules/sources/sources.schemas.js';
import type { ApiKeyView, BusinessAreaView, UserView } from '@server/modules/governance/governance.schemas.js';
import type { AttributeDefinition, SchemaDefinition } from '@server/modules/schemas/definition.js';
import type { ImportJobView, QuarantineView, ResubmitResult } from '@server/modules/ingest/ingest.schemas.js';
import type { KpiView, ProfileView, QualityRecordView, SnapshotView, StaleItemView } from '@server/modules/quality/quality.schemas.js';
import type { AuditEntryView as AuditEntry, AuditVerifyView as AuditVerifyResult } from '@server/modules/audit/audit.schemas.js';
import type { MeView as Me } from '@server/modules/governance/governance.schemas.js';

export type { CustomerSummary, CustomerView, RecordQualityView, RecordView, RecordVersionView, WriteResult, SchemaView, SchemaVersionView, SourceView, ApiKeyView, BusinessAreaView, UserView, AttributeDefinition, SchemaDefinition, AuditEntry, AuditVerifyResult, Me, ImportJobView, QuarantineView, ResubmitResult, KpiView, ProfileView, QualityRecordView, SnapshotView, StaleItemView };

export type Page<T> = { items: T[]; nextCursor: string | null };
export type Items<T> = { items: T[] };
export type SchemaWithDefinition = SchemaView & { definition: SchemaDefinition };
export type SchemaFailure = { recordId: string; sourceId: string; sourceKey: string; schemaVersion: number; errors: Array<{ field: string; rule: string; message: string; value?: unknown }> };
export type SchemaFailures = { items: SchemaFailure[]; scanned: number; nextCursor: string | null };
