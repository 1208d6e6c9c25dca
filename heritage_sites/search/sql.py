"""SQL that builds the search index (used by migrations and by ``search_index_rebuild``).

SQLite: a trigram FTS5 table per model, filled and kept in step by triggers, so every write
path (admin, API, shell, bulk loads through the ORM) updates it without the service layer
having to remember. PostgreSQL: the pg_trgm extension and trigram GIN indexes on the
translated columns; full-text search there runs on the columns themselves.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SearchIndex:
    table: str  # the model's table
    fts_table: str  # the FTS5 table on SQLite
    fields: tuple[str, ...]  # translated fields whose every language is searched


SEARCH_INDEXES = (
    SearchIndex(
        table="heritage_sites_heritagesite",
        fts_table="heritage_sites_heritagesite_fts",
        fields=("name", "description"),
    ),
    SearchIndex(
        table="heritage_sites_artefact",
        fts_table="heritage_sites_artefact_fts",
        fields=("title", "description"),
    ),
)


def _columns(index: SearchIndex, languages: list[str]) -> list[str]:
    return [f"{field}_{lang}" for field in index.fields for lang in languages]


def _body(index: SearchIndex, languages: list[str], row: str) -> str:
    # One line per column: a match never spans two texts by accident.
    parts = [f"coalesce({row}{column}, '')" for column in _columns(index, languages)]
    return " || char(10) || ".join(parts)


def sqlite_fts_statements(indexes, languages: list[str]) -> list[str]:
    """CREATE the FTS5 tables and triggers, and fill the tables from existing rows."""
    statements = []
    for index in indexes:
        fts, table = index.fts_table, index.table
        statements += [
            f"DROP TRIGGER IF EXISTS {fts}_ai",
            f"DROP TRIGGER IF EXISTS {fts}_au",
            f"DROP TRIGGER IF EXISTS {fts}_ad",
            f"DROP TABLE IF EXISTS {fts}",
            f"CREATE VIRTUAL TABLE {fts} USING fts5(body, tokenize='trigram')",
            f"INSERT INTO {fts}(rowid, body) SELECT id, {_body(index, languages, '')} FROM {table}",
            f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN "
            f"INSERT INTO {fts}(rowid, body) VALUES (new.id, {_body(index, languages, 'new.')}); "
            "END",
            f"CREATE TRIGGER {fts}_au AFTER UPDATE ON {table} BEGIN "
            f"DELETE FROM {fts} WHERE rowid = old.id; "
            f"INSERT INTO {fts}(rowid, body) VALUES (new.id, {_body(index, languages, 'new.')}); "
            "END",
            f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN "
            f"DELETE FROM {fts} WHERE rowid = old.id; END",
        ]
    return statements


def postgres_statements(indexes, languages: list[str]) -> list[str]:
    """Enable pg_trgm and index the scripts without a stemmer (Chinese, Persian) for it."""
    statements = ["CREATE EXTENSION IF NOT EXISTS pg_trgm"]
    for index in indexes:
        for field in index.fields:
            for lang in ("zh_hans", "fa"):
                if lang in languages:
                    column = f"{field}_{lang}"
                    statements.append(
                        f"CREATE INDEX IF NOT EXISTS {index.table}_{column}_trgm "
                        f"ON {index.table} USING gin ({column} gin_trgm_ops)"
                    )
    return statements
