"""Whether any committed write has touched the catalogue tables since a moment noted earlier.

An answer computed from these tables (facet counts) may be kept and given again while nothing
it read has changed: the log is written by database triggers (migration
0020_change_log_for_cached_counts), so every write path counts, the service layer, the admin,
imports, ``bulk_create`` and ``QuerySet.update`` alike.

PostgreSQL: a statement trigger on each watched table records the id of the writing
transaction, once per transaction, in an insert-only table; writers share no row and wait for
nobody. A reader notes its snapshot before counting; the answer still holds while no
transaction that the snapshot did not see has recorded a write.
SQLite (one writer at a time): row triggers bump a counter; the answer holds while it has not
moved.

Inside a transaction the log is not consulted (``moment()`` is None): the transaction's own
uncommitted writes would be counted and might never commit.
"""

from __future__ import annotations

import re
from functools import cache

from django.db import connection

# The tables a facet count reads, each with a trigger that logs its writes.
WATCHED_TABLES = (
    "heritage_sites_artefact",
    "heritage_sites_artefact_materials",
    "heritage_sites_heritagesite",
    "heritage_sites_heritagesite_countries",
    "heritage_sites_heritagesite_corridors",
    "heritage_sites_heritagesite_stewards",
    "heritage_sites_country",
    "heritage_sites_corridor",
    "heritage_sites_material",
    "heritage_sites_institution",
    "heritage_sites_scan",
)
# Not watched: search_index_rebuild refills them (a new language changes what matches).
SEARCH_TABLES = ("heritage_sites_artefact_fts", "heritage_sites_heritagesite_fts")

POSTGRES_LOG = "heritage_sites_change"
# Marks of the oldest transaction still running, by time: what lets change_log_prune() drop
# the log rows no kept answer can still need.
POSTGRES_MARKS = "heritage_sites_change_mark"
POSTGRES_FUNCTION = "heritage_sites_change_note"
SQLITE_COUNTER = "heritage_sites_change_counter"

# How long an answer noted from the log may be given again; the log keeps what notes this
# young can consult, twice over (change_log_prune, run by beat every KEEP_SECONDS).
KEEP_SECONDS = 600

_TABLE_NAME = re.compile(r"\b[a-z][a-z0-9_]*\b")
# Answers that depend on the clock or chance are never kept.
_VOLATILE = re.compile(r"CURRENT_TIMESTAMP|CURRENT_DATE|NOW\(|RANDOM\(", re.IGNORECASE)


def postgres_statements() -> list[str]:
    statements = [
        f"CREATE TABLE IF NOT EXISTS {POSTGRES_LOG} (xid xid8 PRIMARY KEY)",
        f"CREATE TABLE IF NOT EXISTS {POSTGRES_MARKS} "
        "(taken_at timestamptz PRIMARY KEY, oldest xid8 NOT NULL)",
        f"CREATE OR REPLACE FUNCTION {POSTGRES_FUNCTION}() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN "
        f"INSERT INTO {POSTGRES_LOG} (xid) VALUES (pg_current_xact_id()) ON CONFLICT DO NOTHING; "
        "RETURN NULL; END $$",
    ]
    for table in WATCHED_TABLES:
        statements += [
            f"DROP TRIGGER IF EXISTS {POSTGRES_FUNCTION} ON {table}",
            f"CREATE TRIGGER {POSTGRES_FUNCTION} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {POSTGRES_FUNCTION}()",
        ]
    return statements


def postgres_drop_statements() -> list[str]:
    statements = [f"DROP TRIGGER IF EXISTS {POSTGRES_FUNCTION} ON {t}" for t in WATCHED_TABLES]
    return [
        *statements,
        f"DROP FUNCTION IF EXISTS {POSTGRES_FUNCTION}()",
        f"DROP TABLE IF EXISTS {POSTGRES_LOG}",
        f"DROP TABLE IF EXISTS {POSTGRES_MARKS}",
    ]


def _sqlite_trigger(table: str, event: str) -> str:
    return f"{SQLITE_COUNTER}_{table.removeprefix('heritage_sites_')}_{event[0].lower()}"


def sqlite_statements() -> list[str]:
    statements = [
        f"CREATE TABLE IF NOT EXISTS {SQLITE_COUNTER} "
        "(id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL)",
        f"INSERT OR IGNORE INTO {SQLITE_COUNTER} (id, value) VALUES (1, 0)",
    ]
    for table in WATCHED_TABLES:
        for event in ("INSERT", "UPDATE", "DELETE"):
            name = _sqlite_trigger(table, event)
            statements += [
                f"DROP TRIGGER IF EXISTS {name}",
                f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN "
                f"UPDATE {SQLITE_COUNTER} SET value = value + 1 WHERE id = 1; END",
            ]
    return statements


def sqlite_drop_statements() -> list[str]:
    names = [_sqlite_trigger(t, e) for t in WATCHED_TABLES for e in ("INSERT", "UPDATE", "DELETE")]
    return [f"DROP TRIGGER IF EXISTS {name}" for name in names] + [
        f"DROP TABLE IF EXISTS {SQLITE_COUNTER}"
    ]


def reads_only_watched_tables(sql: str) -> bool:
    """Whether the query reads no table but the watched ones, and not the clock."""
    if _VOLATILE.search(sql):
        return False
    known = _all_tables()
    return all(name in WATCHED_TABLES for name in _TABLE_NAME.findall(sql) if name in known)


@cache
def _all_tables() -> frozenset[str]:
    from django.apps import apps

    tables = set(SEARCH_TABLES)
    for model in apps.get_models(include_auto_created=True):
        tables.add(model._meta.db_table)
    return frozenset(tables)


def moment() -> str | None:
    """A note of the committed state seen now, or None where the log cannot be trusted."""
    if connection.in_atomic_block:
        return None
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_current_snapshot()::text")
        elif connection.vendor == "sqlite":
            cursor.execute(f"SELECT value FROM {SQLITE_COUNTER} WHERE id = 1")
        else:
            return None
        row = cursor.fetchone()
    return None if row is None else f"{connection.vendor}:{row[0]}"


def unchanged_since(noted: str) -> bool:
    """Whether no committed write to a watched table came after ``noted`` (from moment())."""
    if connection.in_atomic_block:
        return False
    vendor, _, value = noted.partition(":")
    if vendor != connection.vendor:
        return False
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute(
                f"SELECT NOT EXISTS (SELECT 1 FROM {POSTGRES_LOG} "
                "WHERE xid >= pg_snapshot_xmin(%s::pg_snapshot) "
                "AND NOT pg_visible_in_snapshot(xid, %s::pg_snapshot))",
                [value, value],
            )
            return bool(cursor.fetchone()[0])
        cursor.execute(f"SELECT value FROM {SQLITE_COUNTER} WHERE id = 1")
        row = cursor.fetchone()
    return row is not None and str(row[0]) == value


def change_log_prune(*, keep_seconds: float) -> int:
    """Drop the PostgreSQL log rows that no answer noted in the last ``keep_seconds`` can
    still consult; return how many. (SQLite keeps a counter: nothing to prune.)

    Each run marks the oldest transaction still running (its snapshot's xmin), with the time.
    A note taken after a mark has an xmin at least the mark's, and unchanged_since() reads
    only log rows at or above a note's xmin: rows below the newest mark older than
    ``keep_seconds`` are read by no note younger than that. Kept answers must not outlive
    ``keep_seconds``: they live KEEP_SECONDS, and the task keeps twice that."""
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {POSTGRES_MARKS} (taken_at, oldest) "
            "VALUES (clock_timestamp(), pg_snapshot_xmin(pg_current_snapshot())) "
            "ON CONFLICT DO NOTHING"
        )
        cursor.execute(
            f"SELECT max(oldest) FROM {POSTGRES_MARKS} "
            "WHERE taken_at <= clock_timestamp() - make_interval(secs => %s)",
            [keep_seconds],
        )
        cut = cursor.fetchone()[0]
        if cut is None:
            return 0
        cursor.execute(f"DELETE FROM {POSTGRES_LOG} WHERE xid < %s::xid8", [str(cut)])
        pruned = cursor.rowcount
        cursor.execute(f"DELETE FROM {POSTGRES_MARKS} WHERE oldest < %s::xid8", [str(cut)])
    return pruned
