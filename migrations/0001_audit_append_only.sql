-- The audit log is append-only. The only updates allowed are the sealer filling chain_pos/prev_hash/hash
-- once, and erasure replacing a payload with NULL (its digest stays, so the chain still verifies).
CREATE OR REPLACE FUNCTION audit_log_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR TG_OP = 'TRUNCATE' THEN
    RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NEW.seq IS DISTINCT FROM OLD.seq OR NEW.id IS DISTINCT FROM OLD.id OR NEW.at IS DISTINCT FROM OLD.at
     OR NEW.actor_type IS DISTINCT FROM OLD.actor_type OR NEW.actor_id IS DISTINCT FROM OLD.actor_id
     OR NEW.action IS DISTINCT FROM OLD.action OR NEW.entity_type IS DISTINCT FROM OLD.entity_type
     OR NEW.entity_id IS DISTINCT FROM OLD.entity_id OR NEW.request_id IS DISTINCT FROM OLD.request_id
     OR NEW.ip IS DISTINCT FROM OLD.ip OR NEW.payload_digest IS DISTINCT FROM OLD.payload_digest
     OR NEW.txid IS DISTINCT FROM OLD.txid THEN
    RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF OLD.hash IS NOT NULL AND (NEW.hash IS DISTINCT FROM OLD.hash OR NEW.prev_hash IS DISTINCT FROM OLD.prev_hash
     OR NEW.chain_pos IS DISTINCT FROM OLD.chain_pos) THEN
    RAISE EXCEPTION 'audit_log entries are sealed' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NEW.payload IS DISTINCT FROM OLD.payload AND NEW.payload IS NOT NULL THEN
    RAISE EXCEPTION 'audit_log payloads can only be redacted' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END;
$$;--> statement-breakpoint
CREATE TRIGGER audit_log_guard_row BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_guard();--> statement-breakpoint
CREATE TRIGGER audit_log_guard_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_guard();--> statement-breakpoint
CREATE INDEX audit_unsealed_idx ON audit_log (seq) WHERE hash IS NULL;
