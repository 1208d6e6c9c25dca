"""Load the demo museum: 44 Silk Road properties, component sites, institutions, artefacts."""

from django.core.management.base import BaseCommand, CommandError

from heritage_sites.demo.fixtures import FixtureError
from heritage_sites.demo.load import demo_load
from heritage_sites.services.scans import ScanRejected


class Command(BaseCommand):
    help = (
        "Create the demo museum from the fixtures in heritage_sites/demo/ (no network, no "
        "files outside the repository). Safe to run again: it only writes what changed."
    )

    def handle(self, *args, **options) -> None:
        try:
            report = demo_load()
        except (FixtureError, ScanRejected) as exc:
            raise CommandError(f"The demo could not be loaded: {exc}") from exc
        for line in report.lines():
            self.stdout.write(f"  {line}")
        if report.changed:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo museum loaded: {report.total('created')} records created, "
                    f"{report.total('updated')} updated. New scans are queued for processing."
                )
            )
        else:
            self.stdout.write(
                self.style.SUCCESS("Demo museum already up to date: nothing changed.")
            )
