"""python manage.py verify_activity_log [--file export.csv [--complete]] [--partner ID]

Checks the activity log in the database (the sealed chain of every partner, or one) or an exported
CSV for tampering (D-LOG-5). Prints "OK: ..." and exits 0, or "TAMPERED: ..." naming the first bad
record and exits 1.
"""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from activitylog.export import verify_rows
from activitylog.services import ChainProblem, chain_verify


class Command(BaseCommand):
    help = "Check the activity log (or an exported CSV) for tampering; exit 1 and name the first bad record."

    def add_arguments(self, parser):
        parser.add_argument("--file", help="an activity log CSV export to check instead of the database")
        parser.add_argument("--partner", type=int, help="check only this partner's chain (database check)")
        parser.add_argument("--complete", action="store_true",
                            help="the file must hold the whole chain (positions 1, 2, 3, ... without gaps)")

    def handle(self, *args, file=None, partner=None, complete=False, **options):
        if file:
            self._check_file(file, complete)
        else:
            self._check_database(partner)

    def _tampered(self, message: str):
        self.stdout.write(f"TAMPERED: {message}")
        raise SystemExit(1)

    def _check_database(self, partner_id):
        try:
            result = chain_verify(partner_id=partner_id)
        except ChainProblem as problem:
            self._tampered(str(problem))
        self.stdout.write(f"OK: {result['checked']} records verified, {result['unsealed']} unsealed "
                          f"(will be sealed by the background job)")

    def _check_file(self, path: str, complete: bool):
        try:
            with open(path, newline="", encoding="utf-8-sig") as handle:
                report = verify_rows(handle, complete=complete)
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc}") from exc
        except UnicodeDecodeError:
            self._tampered(f"{path} is not UTF-8 text")
        for warning in report.warnings:
            self.stderr.write(f"warning: {warning} (a filtered export; use --complete for a whole-chain export)")
        if not report.ok:
            self._tampered(report.problem)
        self.stdout.write(f"OK: {report.rows} records verified in {path}")
