"""Import sites or artefacts from a CSV, JSON or JSON Lines file.

manage.py import_records artefacts.csv --kind artefact --institution home-museum --dry-run
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from heritage_sites.management.progress import progress_bar
from heritage_sites.models import Institution
from heritage_sites.services.bulk import UnreadableFile, read_rows, records_import


class Command(BaseCommand):
    help = "Import sites or artefacts (drafts) from CSV or JSON; --dry-run changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--kind", choices=["artefact", "site"], required=True)
        parser.add_argument(
            "--institution", help="Slug of the institution (required for artefacts)."
        )
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, file: Path, kind: str, institution: str | None, dry_run: bool, **kw):
        holder = None
        if institution:
            holder = Institution.objects.filter(slug=institution).first()
            if holder is None:
                raise CommandError(f"No institution with the slug '{institution}'.")
        elif kind == "artefact":
            raise CommandError("Name the institution the artefacts belong to (--institution).")
        try:
            rows = read_rows(file.read_bytes(), file.name)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from None
        except UnreadableFile as exc:
            raise CommandError(str(exc)) from None
        report = records_import(
            kind=kind,
            rows=rows,
            by=None,
            institution=holder,
            dry_run=dry_run,
            progress=progress_bar(self.stderr),
        )
        for problem in report.problems:
            self.stdout.write(self.style.ERROR(str(problem)))
        self.stdout.write(report.summary())
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
        if report.problems and dry_run:
            raise CommandError(f"{len(report.problems)} problem(s) to fix before importing.")
