"""SQL that builds the search index (used by migrations and by ``search_index_rebuild``).

SQLite: a trigram FTS5 table per model, filled and kept in step by triggers, so every write
path (admin, API, shell, bulk loads through the ORM) updates it without the service layer
having to remember. PostgreSQL: expression indexes on the columns themselves, no copy to keep
in step: per language with a stemmer, a GIN index on its text-search document; for Chinese and
Persian, which have none, trigram GIN indexes (pg_trgm) for substrings and word similarity.
The query (search/query.py) writes the same expressions, so the planner uses the indexes.
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


# Column suffix -> PostgreSQL text-search configuration, for the languages it can stem.
PG_CONFIGS = {"en": "english", "ru": "russian", "ar": "arabic", "tr": "turkish", "fr": "french"}
# Languages without a stemmer: searched by substring and trigram word similarity.
PG_TRIGRAM_LANGUAGES = ("zh_hans", "fa")


def pg_document(index: SearchIndex, lang: str) -> str:
    """The text-search document of one language's columns, written as the index stores it."""
    config = PG_CONFIGS[lang]
    text = " || ' ' || ".join(f"coalesce({field}_{lang}, '')" for field in index.fields)
    return f"to_tsvector('{config}'::regconfig, {text})"


def pg_upper(column: str) -> str:
    """A column as case-insensitive substring matching indexes and reads it."""
    return f"upper({column}::text)"


def postgres_index_statements(indexes, languages: list[str]) -> list[str]:
    """The indexes search uses on PostgreSQL: one text-search document per stemmed language,
    and upper-cased trigrams of the Chinese and Persian columns (the plain trigram indexes of
    migration 0003 serve word similarity)."""
    statements = []
    for index in indexes:
        for lang in languages:
            if lang in PG_CONFIGS:
                statements.append(
                    f"CREATE INDEX IF NOT EXISTS {index.table}_{lang}_fts "
                    f"ON {index.table} USING gin (({pg_document(index, lang)}))"
                )
            if lang in PG_TRIGRAM_LANGUAGES:
                for field in index.fields:
                    column = f"{field}_{lang}"
                    statements.append(
                        f"CREATE INDEX IF NOT EXISTS {index.table}_{column}_upper_trgm "
                        f"ON {index.table} USING gin (({pg_upper(column)}) gin_trgm_ops)"
                    )
    return statements


def postgres_index_names(indexes, languages: list[str]) -> list[str]:
    names = []
    for index in indexes:
        for lang in languages:
            if lang in PG_CONFIGS:
                names.append(f"{index.table}_{lang}_fts")
            if lang in PG_TRIGRAM_LANGUAGES:
                names += [f"{index.table}_{field}_{lang}_upper_trgm" for field in index.fields]
    return names


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
