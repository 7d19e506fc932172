"""D-BILL-3 in the database: invoice lines are never changed or removed, and an issued invoice
takes no new line and never changes."""
from partnercenter.dbguards import Guard

LINES = "billing_invoiceline"
INVOICES = "billing_invoice"

GUARDS = [
    Guard(
        name="billing_lines_ledger",
        table=LINES,
        sqlite=[
            f"CREATE TRIGGER billing_lines_ledger_ins BEFORE INSERT ON {LINES} "
            f"WHEN (SELECT status FROM {INVOICES} WHERE id = NEW.invoice_id) = 'issued' "
            f"BEGIN SELECT RAISE(ABORT, 'the invoice is issued and can no longer change'); END",
            f"CREATE TRIGGER billing_lines_ledger_upd BEFORE UPDATE ON {LINES} "
            f"BEGIN SELECT RAISE(ABORT, 'invoice lines are never changed'); END",
            f"CREATE TRIGGER billing_lines_ledger_del BEFORE DELETE ON {LINES} "
            f"BEGIN SELECT RAISE(ABORT, 'invoice lines are never removed'); END",
        ],
        postgresql=[
            f"""CREATE FUNCTION billing_lines_ledger() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP = 'INSERT' THEN
                IF (SELECT status FROM {INVOICES} WHERE id = NEW.invoice_id) = 'issued' THEN
                  RAISE EXCEPTION 'the invoice is issued and can no longer change';
                END IF;
                RETURN NEW;
              END IF;
              RAISE EXCEPTION 'invoice lines are never changed or removed';
            END $$""",
            f"CREATE TRIGGER billing_lines_ledger BEFORE INSERT OR UPDATE OR DELETE ON {LINES} "
            f"FOR EACH ROW EXECUTE FUNCTION billing_lines_ledger()",
        ],
    ),
    Guard(
        name="billing_issued_invoice",
        table=INVOICES,
        sqlite=[
            f"CREATE TRIGGER billing_issued_invoice_upd BEFORE UPDATE ON {INVOICES} WHEN OLD.status = 'issued' "
            f"BEGIN SELECT RAISE(ABORT, 'the invoice is issued and can no longer change'); END",
            f"CREATE TRIGGER billing_issued_invoice_del BEFORE DELETE ON {INVOICES} WHEN OLD.status = 'issued' "
            f"BEGIN SELECT RAISE(ABORT, 'the invoice is issued and can no longer change'); END",
        ],
        postgresql=[
            """CREATE FUNCTION billing_issued_invoice() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF OLD.status = 'issued' THEN
                RAISE EXCEPTION 'the invoice is issued and can no longer change';
              END IF;
              IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
              RETURN NEW;
            END $$""",
            f"CREATE TRIGGER billing_issued_invoice BEFORE UPDATE OR DELETE ON {INVOICES} "
            f"FOR EACH ROW EXECUTE FUNCTION billing_issued_invoice()",
        ],
    ),
]
