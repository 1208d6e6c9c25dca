"""Queue scans for processing again: after a pipeline upgrade, or to retry failures."""

import uuid

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from heritage_sites.models import Scan
from heritage_sites.services.scans import scan_reprocess


class Command(BaseCommand):
    help = (
        "Queue scans for processing again. Give scan ids (public UUIDs), or --failed, or --all. "
        "Scans already queued or processing are left alone, so running it twice is harmless."
    )

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", help="public ids (UUIDs) of scans")
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--failed", action="store_true", help="every failed scan")
        group.add_argument("--all", action="store_true", help="every scan")

    def handle(self, *args, ids, failed, all, **options):
        scans = self._select(ids, failed, all)
        queued = skipped = 0
        for scan in scans.iterator():
            with transaction.atomic():
                if scan_reprocess(scan=scan):
                    queued += 1
                else:
                    skipped += 1
        self.stdout.write(
            f"Queued {queued} scan(s) for processing; {skipped} already queued or processing."
        )

    def _select(self, ids, failed, everything):
        if bool(ids) + failed + everything != 1:
            raise CommandError("Give scan ids, or --failed, or --all (one of them).")
        if failed:
            return Scan.objects.filter(state=Scan.State.FAILED)
        if everything:
            return Scan.objects.all()
        public_ids = []
        for value in ids:
            try:
                public_ids.append(uuid.UUID(value))
            except ValueError:
                raise CommandError(f"{value!r} is not a scan id (a UUID).") from None
        scans = Scan.objects.filter(public_id__in=public_ids)
        missing = set(public_ids) - set(scans.values_list("public_id", flat=True))
        if missing:
            raise CommandError(f"No scan with id {', '.join(sorted(map(str, missing)))}.")
        return scans
