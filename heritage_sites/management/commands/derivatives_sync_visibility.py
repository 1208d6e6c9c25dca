"""Put every derivative file where its subject's publication state says it belongs."""

from django.core.management.base import BaseCommand

from heritage_sites.services.derivatives import derivatives_sync_visibility


class Command(BaseCommand):
    help = (
        "Move the files of drafts' and withdrawn subjects' scans to private storage and those "
        "of published subjects to public storage. Run it once after upgrading to the release "
        "that keeps drafts' files private, and after a storage outage was logged."
    )

    def handle(self, *args, **options) -> None:
        moved = derivatives_sync_visibility()
        self.stdout.write(self.style.SUCCESS(f"{moved} derivative file(s) moved."))
