import { sql } from 'drizzle-orm';
import type { Database, Tx } from '../../platform/db/database.js';
import { rows } from '../../platform/db/database.js';

const READ_ONLY = { isolationLevel: 'repeatable read', accessMode: 'read only' } as const;

// Databases with a fork in flight. A fork waits for a pooled connection while its parent holds one, so
// several at once could take the whole pool and wait for each other; one at a time cannot (the others
// run their tasks in their own transaction, one statement after another).
const forking = new WeakSet<Database>();

/** Runs a task in a transaction that sees the same snapshot as the one that forked it. */
export type Fork = <R>(task: (tx: Tx) => Promise<R>) => Promise<R>;

/**
 * A read-only transaction whose statements can be spread over several connections that all see one
 * snapshot: on PostgreSQL `fork` runs its task on another pooled connection that imports this
 * transaction's snapshot (pg_export_snapshot), so one long read uses more than one core; PGlite has one
 * connection, so there (and with a pool of one, or while another fork of the same database runs) the task
 * runs in this transaction. `setup` runs first in every transaction (`SET LOCAL`). The body must await its forks: the
 * exported snapshot lives as long as this transaction.
 */
export async function readInOneSnapshot<T>(database: Database, setup: (tx: Tx) => Promise<void>, body: (tx: Tx, fork: Fork) => Promise<T>): Promise<T> {
  return database.db.transaction(async (tx) => {
    await setup(tx);
    let snapshot: Promise<string> | undefined;
    const fork: Fork = async (task) => {
      // A fork needs a second connection while this transaction holds one.
      if (database.connections < 2 || forking.has(database)) return task(tx);
      forking.add(database);
      try {
        snapshot ??= rows<{ id: string }>(tx, sql`select pg_export_snapshot() id`).then((r) => r[0]!.id);
        const id = await snapshot;
        return await database.db.transaction(async (other) => {
          await other.execute(sql.raw(`set transaction snapshot '${id.replace(/'/g, '')}'`));
          await setup(other);
          return task(other);
        }, READ_ONLY);
      } finally {
        forking.delete(database);
      }
    };
    return body(tx, fork);
  }, READ_ONLY);
}
