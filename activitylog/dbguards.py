"""D-LOG-5 in the database: no DELETE, and no UPDATE except sealing an unsealed record once."""
from partnercenter.dbguards import Guard

TABLE = "activitylog_activityrecord"
CONTENT = ["id", "partner_id", "operation_date", "user_id", "user_principal_name", "customer_id", "customer_name",
           "resource_type", "operation_type", "operation_status", "ip_address", "details"]
MESSAGE = "activity records are append-only"

_sqlite_changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in CONTENT)
_pg_new = ", ".join(f"NEW.{c}" for c in CONTENT)
_pg_old = ", ".join(f"OLD.{c}" for c in CONTENT)

GUARDS = [
    Guard(
        name="activitylog_append_only",
        table=TABLE,
        sqlite=[
            f"CREATE TRIGGER activitylog_append_only_del BEFORE DELETE ON {TABLE} "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
            f"CREATE TRIGGER activitylog_append_only_upd BEFORE UPDATE ON {TABLE} "
            f"WHEN OLD.hash IS NOT NULL OR NEW.hash IS NULL OR {_sqlite_changed} "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
        ],
        postgresql=[
            f"""CREATE FUNCTION activitylog_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP = 'DELETE' THEN RAISE EXCEPTION '{MESSAGE}'; END IF;
              IF OLD.hash IS NOT NULL OR NEW.hash IS NULL OR ROW({_pg_new}) IS DISTINCT FROM ROW({_pg_old}) THEN
                RAISE EXCEPTION '{MESSAGE}';
              END IF;
              RETURN NEW;
            END $$""",
            f"CREATE TRIGGER activitylog_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
            f"FOR EACH ROW EXECUTE FUNCTION activitylog_append_only()",
        ],
    )
]
