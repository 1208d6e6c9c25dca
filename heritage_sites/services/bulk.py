"""Bulk import and export of sites and artefacts: CSV, JSON and JSON Lines.

An import reads every row, checks every column of it with the model's own rules and reports
each problem by row and column. A dry run stops there and changes nothing; a real run writes
each good row in a transaction of its own (all or nothing per row), skips the bad ones and
says how many rows were created, updated and refused (the row-by-row core in ``rows.py``,
which the UNESCO importer shares). Imported records are drafts; an artefact is matched by its
institution and accession number, a site by its slug.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Iterable, Iterator

from celery import current_app
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from heritage_sites import permissions
from heritage_sites.importers.whc import WhcFormatError, count_whc_records
from heritage_sites.models import (
    Artefact,
    Country,
    HeritageSite,
    ImportJob,
    Institution,
    PublicationState,
)
from heritage_sites.rights import SHORT_CODES, licence_uri
from heritage_sites.services.imports import site_import_whc_export
from heritage_sites.services.rows import (
    CREATED,
    UPDATED,
    Applied,
    Progress,
    RowPlan,
    RowReport,
    rows_import,
)

logger = logging.getLogger(__name__)

# File column -> model field, per kind of record.
COLUMNS = {
    "artefact": {
        "accession_number": "accession_number",
        "slug": "slug",
        "title": "title_en",
        "description": "description_en",
        "object_type": "object_type",
        "date_earliest": "date_earliest",
        "date_latest": "date_latest",
        "licence": "licence",
        "rights_holder": "rights_holder",
        "attribution": "attribution",
        "provenance": "provenance",
        "site": "site",
    },
    "site": {
        "slug": "slug",
        "name": "name_en",
        "description": "description_en",
        "latitude": "latitude",
        "longitude": "longitude",
        "category": "category",
        "period_start": "period_start",
        "period_end": "period_end",
        "countries": "countries",
    },
}
REQUIRED = {
    "artefact": ("accession_number", "slug", "title", "object_type", "licence", "rights_holder"),
    "site": ("slug", "name", "latitude", "longitude"),
}


class UnreadableFile(Exception):
    """The file is not CSV or JSON rows; the message says what is wrong."""


def read_rows(data: bytes, filename: str) -> list[dict]:
    """The records of a .csv, .json (a list of objects) or .jsonl file."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(f"The file is not UTF-8 text (byte {exc.start}).") from None
    name = filename.lower()
    if name.endswith(".csv"):
        return [dict(row) for row in csv.DictReader(io.StringIO(text))]
    try:
        if name.endswith(".jsonl"):
            rows = [json.loads(line) for line in text.splitlines() if line.strip()]
        elif name.endswith(".json"):
            rows = json.loads(text)
        else:
            raise UnreadableFile("Give a .csv, .json or .jsonl file.")
    except json.JSONDecodeError as exc:
        raise UnreadableFile(f"The JSON does not parse: {exc.msg} at line {exc.lineno}.") from None
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise UnreadableFile("The JSON must be a list of objects, one per record.")
    return rows


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _prepare(kind: str, row: dict, institution: Institution | None, problems: list[tuple]):
    """(instance with the row's values, extra many-to-many values); problems as (col, msg)."""
    columns = COLUMNS[kind]
    for column in REQUIRED[kind]:
        if not _text(row.get(column)):
            problems.append((column, "This column is required."))
    for column in row:
        if column not in columns:
            problems.append((column, f"Unknown column. Use: {', '.join(columns)}."))
    values, extra = {}, {}
    for column, name in columns.items():
        raw = _text(row.get(column))
        if name == "licence":
            uri = licence_uri(raw) if raw else ""
            if raw and uri is None:
                problems.append(
                    (column, f"Unknown licence. Use a URI or {', '.join(SHORT_CODES)}.")
                )
            values[name] = uri or ""
        elif name == "site":
            if raw:
                site = HeritageSite.objects.filter(slug=raw).first()
                if site is None:
                    problems.append((column, f"No site with the slug '{raw[:80]}'."))
                values[name] = site
        elif name == "countries":
            codes = [code.strip().upper() for code in raw.split(";") if code.strip()]
            found = {c.iso2: c for c in Country.objects.filter(iso2__in=codes)}
            for code in codes:
                if code not in found:
                    problems.append((column, f"No country with the code '{code[:10]}'."))
            extra[name] = list(found.values())
        elif raw:
            try:
                model = Artefact if kind == "artefact" else HeritageSite
                values[name] = model._meta.get_field(name).to_python(raw)
            except ValidationError as exc:
                problems.append((column, " ".join(exc.messages)))
        elif name in ("description_en", "attribution", "provenance"):
            values[name] = ""
    if kind == "artefact":
        existing = Artefact.objects.filter(
            institution=institution, accession_number=values.get("accession_number", "")
        ).first()
        instance = existing or Artefact(institution=institution, state=PublicationState.DRAFT)
    else:
        existing = HeritageSite.objects.filter(slug=values.get("slug", "")).first()
        instance = existing or HeritageSite(state=PublicationState.DRAFT)
    for name, value in values.items():
        setattr(instance, name, value)
    return instance, extra


def _validate(kind: str, instance, problems: list[tuple]) -> None:
    by_field = {name: column for column, name in COLUMNS[kind].items()}
    already = {column for column, _ in problems}
    try:
        instance.full_clean()
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            column = by_field.get(name, name if name != "__all__" else "row")
            if column not in already:
                problems.append((column, " ".join(messages)))


def _plan(kind: str, number: int, row: dict, institution: Institution | None, by) -> RowPlan:
    problems: list[tuple] = []
    instance, extra = _prepare(kind, row, institution, problems)
    _validate(kind, instance, problems)
    creating = instance.pk is None
    if not problems and not creating and instance.state != PublicationState.DRAFT:
        problems.append(("row", "The record is not a draft: only drafts are replaced."))

    def apply() -> Applied:
        if creating:
            instance.created_by = by
        instance._history_user = by
        instance._change_reason = "import"
        instance.save()
        if kind == "site":
            instance.countries.set(extra.get("countries", []))
            if creating and institution is not None:
                instance.stewards.add(institution)
        return (CREATED if creating else UPDATED), ()

    return RowPlan(
        number=number,
        record=instance.slug,
        problems=problems,
        outcome=CREATED if creating else UPDATED,
        apply=apply,
    )


def records_import(
    *,
    kind: str,
    rows: list[dict],
    by,
    institution: Institution | None = None,
    dry_run: bool,
    progress: Progress | None = None,
) -> RowReport:
    """Check (and unless ``dry_run``, write) ``rows`` of ``kind`` ('artefact' or 'site')."""
    if kind == "artefact" and institution is None:
        raise ValueError("Artefacts are imported into an institution.")
    plans = (_plan(kind, number, row, institution, by) for number, row in enumerate(rows, start=1))
    report = RowReport(kind=kind, dry_run=dry_run, total=len(rows))
    return rows_import(plans=plans, report=report, dry_run=dry_run, progress=progress)


# --- Export -----------------------------------------------------------------------------------


def _export_row(kind: str, record) -> dict:
    row = {}
    for column, name in COLUMNS[kind].items():
        value = getattr(record, name)
        if name == "site":
            value = record.site.slug if record.site_id else ""
        elif name == "countries":
            value = ";".join(country.iso2 for country in record.countries.all())
        row[column] = "" if value is None else str(value)
    row["state"] = record.state
    row["id"] = str(record.public_id)
    return row


def institution_records(institution: Institution, kind: str) -> Iterable:
    if kind == "artefact":
        return Artefact.objects.filter(institution=institution).select_related("site")
    return HeritageSite.objects.filter(stewards=institution).prefetch_related("countries")


def published_records(kind: str) -> Iterable:
    if kind == "artefact":
        return Artefact.objects.published().select_related("site")
    return HeritageSite.objects.published().prefetch_related("countries")


def export_csv(kind: str, records: Iterable) -> Iterator[str]:
    header = [*COLUMNS[kind], "state", "id"]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header)
    writer.writeheader()
    for record in records:
        writer.writerow(_export_row(kind, record))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def export_json(kind: str, records: Iterable) -> str:
    return json.dumps([_export_row(kind, r) for r in records], ensure_ascii=False, indent=1)


def export_jsonl(kind: str, records: Iterable) -> Iterator[str]:
    for record in records:
        yield json.dumps({"kind": kind, **_export_row(kind, record)}, ensure_ascii=False) + "\n"


# --- Imports in the worker ------------------------------------------------------------------

RUN_IMPORT_TASK = "heritage_sites.tasks.run_import"
FORMATS = (".csv", ".jsonl", ".json")


class ImportRefused(Exception):
    """The import cannot start; the message says why and what to do (and ``field``, which
    part of the request is wrong)."""

    def __init__(self, message: str, status: int = 400, field: str = "file"):
        super().__init__(message)
        self.status = status
        self.field = field


def import_job_create(
    *,
    data: bytes,
    filename: str,
    kind: str,
    institution: Institution | None,
    dry_run: bool,
    by,
) -> ImportJob:
    """Keep the file, count its rows and queue the job (the worker checks and writes them).

    Sites and artefacts are imported into an institution the person curates; the World
    Heritage List (kind ``whc``) into none, by the museum's staff. A file that cannot be read
    is refused here, at once; the rows' problems are the job's report.
    """
    if kind == ImportJob.Kind.WHC:
        file_format, total = _world_heritage_file(data, filename, institution, by)
    else:
        file_format, total = _records_file(data, filename, institution, by)
    job = ImportJob(
        kind=kind,
        institution=institution,
        dry_run=dry_run,
        filename=filename[-255:],
        file_format=file_format,
        rows_total=total,
        created_by=by,
    )
    with transaction.atomic():
        job.file.save("rows", ContentFile(data), save=False)
        job.save()
        transaction.on_commit(lambda: _enqueue_import(job.pk))
    return job


def _records_file(
    data: bytes, filename: str, institution: Institution | None, by
) -> tuple[str, int]:
    """(format, number of rows) of a file of sites or artefacts for ``institution``."""
    if institution is None:
        raise ImportRefused(
            _("Name the institution whose records these are (its slug)."), field="institution"
        )
    curated = permissions.institution_ids_with(by, permissions.Role.CURATOR)
    if curated is not None and institution.pk not in curated:
        raise ImportRefused(
            f"You are not a curator of {institution}: import into an institution you curate.",
            status=403,
        )
    extension = next((ext for ext in FORMATS if filename.lower().endswith(ext)), None)
    if extension is None:
        raise ImportRefused("Give a .csv, .json or .jsonl file.")
    try:
        rows = read_rows(data, filename)
    except UnreadableFile as exc:
        raise ImportRefused(str(exc)) from None
    if not rows:
        raise ImportRefused("The file holds no rows to import.")
    return extension.lstrip("."), len(rows)


def _world_heritage_file(
    data: bytes, filename: str, institution: Institution | None, by
) -> tuple[str, int]:
    """(format, number of rows) of the UNESCO export, checked before it is kept."""
    if not permissions.may_import_world_heritage_list(by):
        raise ImportRefused(
            _(
                "Only the museum's staff import the UNESCO World Heritage List: its properties "
                "are no institution's records."
            ),
            status=403,
        )
    if institution is not None:
        raise ImportRefused(
            _("Leave out the institution: World Heritage properties belong to no institution."),
            field="institution",
        )
    if not filename.lower().endswith(".csv"):
        raise ImportRefused(_("Give the World Heritage List export as a .csv file."))
    try:
        total = count_whc_records(data)
    except WhcFormatError as exc:
        message = _("The file cannot be read as the World Heritage List export: %(problem)s")
        raise ImportRefused(message % {"problem": exc}) from None
    if not total:
        raise ImportRefused("The file holds no rows to import.")
    return "csv", total


def _enqueue_import(job_id: int) -> None:
    try:
        current_app.tasks[RUN_IMPORT_TASK].delay(job_id)
    except Exception:
        logger.exception("Could not queue import job %s", job_id)
        ImportJob.objects.filter(pk=job_id, state=ImportJob.State.QUEUED).update(
            state=ImportJob.State.FAILED,
            failure_reason="The worker could not be reached: send the file again later.",
            finished_at=timezone.now(),
        )


def import_job_run(*, job_id: int) -> str | None:
    """Run one queued job: claim it, check (and write) its rows, keep the report."""
    claimed = ImportJob.objects.filter(pk=job_id, state=ImportJob.State.QUEUED).update(
        state=ImportJob.State.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return None  # already run (a message delivered twice), or gone
    job = ImportJob.objects.select_related("institution", "created_by").get(pk=job_id)
    # Progress is written about a hundred times per job, not once per row.
    step = max(1, job.rows_total // 100)

    def progress(done: int, total: int) -> None:
        if done == total or done % step == 0:
            ImportJob.objects.filter(pk=job_id).update(rows_done=done)

    try:
        with job.file.open("rb") as handle:
            data = handle.read()
        if job.kind == ImportJob.Kind.WHC:
            report = site_import_whc_export(
                data=data, dry_run=job.dry_run, by=job.created_by, on_progress=progress
            )
        else:
            report = records_import(
                kind=job.kind,
                rows=read_rows(data, job.filename),
                by=job.created_by,
                institution=job.institution,
                dry_run=job.dry_run,
                progress=progress,
            )
    except (UnreadableFile, WhcFormatError) as exc:
        state, values = ImportJob.State.FAILED, {"failure_reason": str(exc)}
    except Exception:
        logger.exception("Import job %s failed", job_id)
        state = ImportJob.State.FAILED
        values = {
            "failure_reason": "The import stopped on an internal error; no row after "
            "the last one counted was read. Send the file again, or tell the museum."
        }
    else:
        state, values = ImportJob.State.DONE, {"report": report.as_json()}
    ImportJob.objects.filter(pk=job_id).update(state=state, finished_at=timezone.now(), **values)
    return state
