import type { Actor } from '../../platform/auth/actor.js';
import type { Executor } from '../../platform/db/database.js';
import type { AuditInput, AuditService } from '../audit/index.js';

/**
 * An audit service that records one entry per written batch (an import's `auditMode: batch`): the job, and each
 * changed record with its action, version and status. The records writer appends through it either way.
 */
export function batchAudit(audit: AuditService, jobId: string): AuditService {
  const entryOf = (inputs: AuditInput[]): AuditInput => {
    const records = inputs.map((i) => {
      const after = (i.payload as { after?: { version?: number; status?: string } } | undefined)?.after;
      return { id: i.entityId, action: i.action, version: after?.version ?? null, status: after?.status ?? null };
    });
    return { action: 'import.batch', entityType: 'import_job', entityId: jobId, payload: { count: records.length, records } };
  };
  const wrapper: Pick<AuditService, 'appendMany' | 'insertOf'> = {
    // The writer uses insertOf; appendMany serves writers of earlier revisions, which bench:writer-cost compares against.
    appendMany: async (ex: Executor, actor: Actor, inputs: AuditInput[]): Promise<void> => {
      if (inputs.length > 0) await audit.append(ex, actor, entryOf(inputs));
    },
    insertOf: (actor: Actor, inputs: AuditInput[]) => (inputs.length > 0 ? audit.insertOf(actor, [entryOf(inputs)]) : null),
  };
  return wrapper as AuditService;
}
