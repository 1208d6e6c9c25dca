"""Full-text search over names and descriptions in every language.

SQLite (the embedded default): the FTS5 trigram tables built by migration 0003 and kept in
step by triggers; each word of 3+ characters is a trigram MATCH, shorter words (two-character
Chinese words are common) a LIKE on the same indexed text.

PostgreSQL: each language's columns against a text-search configuration with a stemmer where
PostgreSQL has one (English, Russian, Arabic, Turkish, French), and for Chinese and Persian,
which have none, substring and pg_trgm word-similarity matching: each a scan of an expression
index (search/sql.py, migrations 0003 and 0015), the matches joined by one UNION.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connections, models
from django.db.models.expressions import RawSQL
from modeltranslation.utils import build_localized_fieldname

from heritage_sites.search import sql
from heritage_sites.search.sql import SEARCH_INDEXES

MAX_QUERY_LENGTH = 200
TRIGRAM_THRESHOLD = 0.4


def _index_for(model):
    for index in SEARCH_INDEXES:
        if index.table == model._meta.db_table:
            return index
    raise LookupError(f"{model.__name__} has no search index")


def _words(text: str) -> list[str]:
    return [word for word in text[:MAX_QUERY_LENGTH].split() if word]


def search(queryset: models.QuerySet, text: str) -> models.QuerySet:
    """Rows whose name, title or description contains every word of ``text``, in any language."""
    words = _words(text)
    if not words:
        return queryset
    vendor = connections[queryset.db].vendor
    index = _index_for(queryset.model)
    if vendor == "sqlite":
        return queryset.filter(pk__in=_sqlite_matches(index, words))
    if vendor == "postgresql":
        return queryset.filter(pk__in=_postgres_matches(index, " ".join(words), words))
    return queryset.filter(_substring_condition(index, words))


def _sqlite_matches(index, words: list[str]) -> RawSQL:
    clauses, params = [], []
    long_words = [w for w in words if len(w) >= 3]
    if long_words:
        # Each word as an FTS5 string: quotes doubled, so no word is read as query syntax.
        clauses.append(f"{index.fts_table} MATCH %s")
        params.append(" AND ".join('"' + w.replace('"', '""') + '"' for w in long_words))
    for word in words:
        if len(word) < 3:
            clauses.append("body LIKE %s ESCAPE '\\'")
            params.append(f"%{_like_escaped(word)}%")
    where = " AND ".join(clauses)
    return RawSQL(f"SELECT rowid FROM {index.fts_table} WHERE {where}", params)


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def _substring_condition(index, words: list[str]) -> models.Q:
    condition = models.Q()
    for word in words:
        any_column = models.Q()
        for field in index.fields:
            for code in _languages():
                column = build_localized_fieldname(field, code)
                any_column |= models.Q(**{f"{column}__icontains": word})
        condition &= any_column
    return condition


def _postgres_matches(index, text: str, words: list[str]) -> RawSQL:
    """The ids that match, as one UNION of index scans: a text-search document per stemmed
    language, and for Chinese and Persian every word as a substring or the text as a similar
    word (pg_trgm word similarity, threshold set per connection: see configure_postgres)."""
    branches, params = [], []
    for code in _languages():
        lang = code.replace("-", "_")
        if lang in sql.PG_CONFIGS:
            config = sql.PG_CONFIGS[lang]
            branches.append(
                f"SELECT id FROM {index.table} WHERE {sql.pg_document(index, lang)} "
                f"@@ websearch_to_tsquery('{config}'::regconfig, %s)"
            )
            params.append(text)
        if lang in sql.PG_TRIGRAM_LANGUAGES:
            for field in index.fields:
                column = f"{field}_{lang}"
                likes = " AND ".join(f"{sql.pg_upper(column)} LIKE upper(%s)" for _ in words)
                branches.append(f"SELECT id FROM {index.table} WHERE {likes}")
                params += [f"%{_like_escaped(word)}%" for word in words]
                branches.append(f"SELECT id FROM {index.table} WHERE %s <%% {column}")
                params.append(text)
    # Through an array: the planner cannot guess how many ids a text-search branch finds on a
    # column that is empty (its default is half a percent of the table, enough to make it read
    # the whole table); unnest() of an array it reckons small, and looks each id up by key.
    return RawSQL(f"SELECT unnest(ARRAY({' UNION '.join(branches)}))", params)


def _like_escaped(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def configure_postgres(sender, connection, **kwargs) -> None:
    """On each new PostgreSQL connection: the word-similarity threshold search uses."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET pg_trgm.word_similarity_threshold = {TRIGRAM_THRESHOLD}")


RANK = "search_rank"


def ranked(queryset: models.QuerySet, text: str, field: str) -> models.QuerySet:
    """Annotate ``search_rank``: 0 when the name (or title) in some language is the text, 1
    when it starts with it, 2 when it contains it, 3 for matches elsewhere (descriptions).
    Lists sort by it when searching and no ``ordering`` is asked."""
    text = " ".join(_words(text))
    if not text:
        return queryset
    columns = [build_localized_fieldname(field, code) for code in _languages()]

    def any_column(lookup: str) -> models.Q:
        condition = models.Q()
        for column in columns:
            condition |= models.Q(**{f"{column}__{lookup}": text})
        return condition

    rank = models.Case(
        models.When(any_column("iexact"), then=models.Value(0)),
        models.When(any_column("istartswith"), then=models.Value(1)),
        models.When(any_column("icontains"), then=models.Value(2)),
        default=models.Value(3),
        output_field=models.IntegerField(),
    )
    return queryset.annotate(**{RANK: rank})
