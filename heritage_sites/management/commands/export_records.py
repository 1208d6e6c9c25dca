"""Export an institution's sites or artefacts (CSV or JSON), or every published one (JSON Lines).

manage.py export_records --kind artefact --institution home-museum --format csv
manage.py export_records --kind site --published --format jsonl
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from heritage_sites.models import Institution
from heritage_sites.services import bulk


class Command(BaseCommand):
    help = "Export records as CSV, JSON or JSON Lines to standard output."

    def add_arguments(self, parser):
        parser.add_argument("--kind", choices=["artefact", "site"], required=True)
        parser.add_argument("--institution")
        parser.add_argument("--published", action="store_true", help="Every published record.")
        parser.add_argument("--format", choices=["csv", "json", "jsonl"], default="csv")

    def handle(self, *args, kind, institution, published, format, **options):
        if published == bool(institution):
            raise CommandError("Give either --institution SLUG or --published.")
        if published:
            records = bulk.published_records(kind)
        else:
            holder = Institution.objects.filter(slug=institution).first()
            if holder is None:
                raise CommandError(f"No institution with the slug '{institution}'.")
            records = bulk.institution_records(holder, kind)
        if format == "json":
            self.stdout.write(bulk.export_json(kind, records))
            return
        chunks = (
            bulk.export_csv(kind, records) if format == "csv" else bulk.export_jsonl(kind, records)
        )
        for chunk in chunks:
            self.stdout.write(chunk, ending="")
