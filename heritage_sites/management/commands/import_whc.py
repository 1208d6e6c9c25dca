"""Import the UNESCO World Heritage List export into HeritageSite and Country rows."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from heritage_sites.importers.text import (
    HTML,
    INVALID_BYTE,
    LOST_LEFT,
    LOST_RESTORED,
    MOJIBAKE,
    UTF8_SEQUENCE,
    WHITESPACE,
    WINDOWS_1252,
)
from heritage_sites.importers.whc import WhcFormatError, parse_id_list
from heritage_sites.management.progress import progress_bar
from heritage_sites.services.imports import (
    WHC_TEXT_SOURCE,
    WhcImportSummary,
    site_import_whc_export,
)

REPAIR_LABELS = {
    WINDOWS_1252: "accented text read as Windows-1252, the file's main encoding",
    UTF8_SEQUENCE: "UTF-8 byte runs read as UTF-8, not Windows-1252",
    MOJIBAKE: "double-decoded text (mojibake) repaired",
    INVALID_BYTE: "bytes with no meaning in Windows-1252, replaced by \ufffd",
    HTML: "HTML turned into plain text",
    WHITESPACE: "stray spaces removed",
    LOST_RESTORED: "letters lost to '?' restored from known spellings",
    LOST_LEFT: "letters lost to '?' left as found (add them to importers/whc_spellings.py)",
}
UPDATED_SHOWN = 20


class Command(BaseCommand):
    help = (
        "Create or update World Heritage properties from the UNESCO list export "
        "(whc-sites-2019.csv), matched by id_no. Safe to run again; --dry-run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="the CSV export of the World Heritage List")
        parser.add_argument(
            "--only-ids",
            type=Path,
            metavar="FILE",
            help="import only the id_no values listed in FILE (one per line, '#' comments)",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check every row and list each problem by row and column; change nothing",
        )

    def handle(self, *args, path: Path, only_ids: Path | None, dry_run: bool, **options):
        data = self._read(path)
        ids = None
        if only_ids is not None:
            try:
                ids = parse_id_list(self._read(only_ids).decode("utf-8"))
            except (UnicodeDecodeError, ValueError) as error:
                raise CommandError(f"{only_ids}: {error}") from None
        try:
            summary = site_import_whc_export(
                data=data, only_ids=ids, dry_run=dry_run, on_progress=progress_bar(self.stderr)
            )
        except WhcFormatError as error:
            raise CommandError(f"{path}: {error}") from None
        self._report(path, summary, verbose=options["verbosity"] >= 2)
        if dry_run:
            self.stdout.write(summary.summary())
            self.stdout.write("Dry run: nothing was changed.")
            if summary.problems:
                raise CommandError(f"{len(summary.problems)} problem(s) to fix before importing.")

    def _read(self, path: Path) -> bytes:
        try:
            return path.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror or error}") from None

    def _report(self, path: Path, summary: WhcImportSummary, *, verbose: bool) -> None:
        write = self.stdout.write
        write(f"Read {summary.total} rows from {path.name}.")
        write(f"  created:   {summary.created}")
        write(f"  updated:   {summary.updated}")
        write(f"  unchanged: {summary.unchanged}")
        write(f"  rejected:  {len(summary.rejected)}")
        shown = list(summary.updated_ids.items())
        if not verbose:
            shown = shown[:UPDATED_SHOWN]
        for unesco_id, fields in shown:
            write(f"    updated id_no {unesco_id}: {', '.join(fields)}")
        if len(shown) < summary.updated:
            write(f"    ... and {summary.updated - len(shown)} more (use -v 2 to list all)")
        if summary.repairs:
            write("Fields decoded and repaired, by kind (a field can count under several):")
            for kind, label in REPAIR_LABELS.items():
                by_column = {
                    column: count for (column, k), count in summary.repairs.items() if k == kind
                }
                if by_column:
                    detail = ", ".join(f"{c} {n}" for c, n in sorted(by_column.items()))
                    write(f"  {kind}: {sum(by_column.values())} ({label}; {detail})")
        for line, unesco_id, note in summary.notes:
            write(f"Note: line {line}, id_no {unesco_id}: {note}")
        if summary.missing_ids:
            missing = ", ".join(str(unesco_id) for unesco_id in summary.missing_ids)
            self.stderr.write(f"Asked for but not in the file: id_no {missing}")
        if summary.dry_run:
            # Every problem on a line of its own, by row and column, for fixing the file.
            for problem in summary.problems:
                self.stdout.write(self.style.ERROR(str(problem)))
        elif summary.rejected:
            self.stderr.write("Rejected rows (fix them in the file and run the import again):")
            for rejection in summary.rejected:
                self.stderr.write(
                    f"  line {rejection.line}, id_no {rejection.unesco_id or '(none)'}: "
                    f"{rejection.reason}"
                )
        write(f"Texts credited to: {WHC_TEXT_SOURCE} (HeritageSite.text_source).")
