-- Hand-written: the audit log is append-only in Postgres itself (MLPS level 3, DESIGN.md §10).
-- UPDATE and TRUNCATE are always refused; DELETE only of rows older than 180 days (the retention
-- job's minimum), so no application bug or stolen application credential can rewrite history.
CREATE OR REPLACE FUNCTION audit_log_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD."at" < now() - interval '180 days' THEN
      RETURN OLD;
    END IF;
    RAISE EXCEPTION 'AuditLog is append-only: rows younger than 180 days cannot be deleted'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RAISE EXCEPTION 'AuditLog is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER "AuditLog_no_update"
  BEFORE UPDATE ON "AuditLog"
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();

CREATE TRIGGER "AuditLog_delete_only_old"
  BEFORE DELETE ON "AuditLog"
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();

CREATE TRIGGER "AuditLog_no_truncate"
  BEFORE TRUNCATE ON "AuditLog"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
