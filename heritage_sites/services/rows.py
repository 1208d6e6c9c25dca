"""The core every importer shares: rows checked one by one, each problem reported by row and
column, progress counted as rows are read, and each good row written in a transaction of its
own (all or nothing per row: a refused row never undoes or stops the others).

An importer (``bulk.py`` for sites and artefacts, ``imports.py`` for the UNESCO list) turns
each row of its file into a ``RowPlan``: the problems found, or what writing the row would do
and a function that writes it. ``rows_import`` runs the plans: a dry run only counts them.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction

CREATED = "created"
UPDATED = "updated"
UNCHANGED = "unchanged"
logger = logging.getLogger(__name__)
# What a row the database refuses was told (the database's own words go to the log).
CLASHES = (
    "Not saved: it clashes with a record already in the museum (the same slug, or the same "
    "accession number at the same institution) or names a record that does not exist."
)
OUT_OF_RANGE = "Not saved: one of its values is too long or too large for its column."

# What a write did, and the fields it changed (when the importer knows them).
Applied = tuple[str, tuple[str, ...]]
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Problem:
    row: int  # 1 = the first record (the CSV header is row 0)
    column: str  # a column of the file, or "row" for the row as a whole
    message: str
    line: int | None = None  # the file's line the record starts on, where records span lines

    def __str__(self) -> str:
        where = f"row {self.row}" if self.line is None else f"row {self.row} (line {self.line})"
        return f"{where}, column {self.column}: {self.message}"


@dataclass
class RowPlan:
    """One checked row: its problems (column, message), or what writing it does."""

    number: int  # the row's number in the file, as Problem.row counts
    line: int | None = None
    record: str = ""  # how the report names the row's record (an id_no, a slug)
    problems: list[tuple[str, str]] = field(default_factory=list)
    outcome: str = CREATED  # what a write would do: CREATED, UPDATED or UNCHANGED
    changed: tuple[str, ...] = ()
    apply: Callable[[], Applied] | None = None  # writes the row; called in its transaction


@dataclass
class RowReport:
    """What an import did (or, in a dry run, would do) to each row, and every problem."""

    kind: str  # what the rows are, for the summary: "artefact", "World Heritage property"
    dry_run: bool
    total: int = 0
    outcomes: Counter = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)

    @property
    def created(self) -> int:
        return self.outcomes[CREATED]

    @property
    def updated(self) -> int:
        return self.outcomes[UPDATED]

    @property
    def unchanged(self) -> int:
        return self.outcomes[UNCHANGED]

    @property
    def refused_rows(self) -> int:
        return len({problem.row for problem in self.problems})

    def add(self, plan: RowPlan) -> None:
        """Count one row once it is written (or, in a dry run, checked)."""
        if plan.problems:
            self.problems += [
                Problem(plan.number, column, message, plan.line)
                for column, message in plan.problems
            ]
        else:
            self.outcomes[plan.outcome] += 1

    def summary(self) -> str:
        verb = "would be" if self.dry_run else "were"
        unchanged = f"{self.unchanged} unchanged, " if self.unchanged else ""
        return (
            f"{self.total} {self.kind} row(s) read: {self.created} {verb} created, "
            f"{self.updated} {verb} updated, {unchanged}{self.refused_rows} refused "
            f"({len(self.problems)} problem(s))."
        )

    def as_json(self) -> dict:
        """The report an import job keeps (the API's ImportReportSerializer)."""
        return {
            "summary": self.summary(),
            "total": self.total,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "refused_rows": self.refused_rows,
            "problems": [
                {"row": p.row, "line": p.line, "column": p.column, "message": p.message}
                for p in self.problems
            ],
        }


def rows_import(
    *,
    plans: Iterable[RowPlan],
    report: RowReport,
    dry_run: bool,
    progress: Progress | None = None,
) -> RowReport:
    """Write (unless ``dry_run``) each plan without problems, in a transaction of its own.

    ``plans`` is read lazily, so each row is checked after the rows before it were written
    (a second row for the same record finds the first). A row the database refuses is
    reported and rolled back alone.
    """
    for done, plan in enumerate(plans, start=1):
        if not plan.problems and not dry_run and plan.apply is not None:
            try:
                with transaction.atomic():
                    plan.outcome, plan.changed = plan.apply()
            except ValidationError as error:
                plan.problems.append(("row", " ".join(error.messages)))
            except IntegrityError as error:
                logger.info("import row %s refused by the database: %s", plan.number, error)
                plan.problems.append(("row", CLASHES))
            except DataError as error:
                logger.info("import row %s refused by the database: %s", plan.number, error)
                plan.problems.append(("row", OUT_OF_RANGE))
        report.add(plan)
        if progress is not None:
            progress(done, report.total)
    return report
