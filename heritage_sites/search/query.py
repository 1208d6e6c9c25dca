"""Full-text search over names and descriptions in every language.

SQLite (the embedded default): the FTS5 trigram tables built by migration 0003 and kept in
step by triggers; each word of 3+ characters is a trigram MATCH, shorter words (two-character
Chinese words are common) a LIKE on the same indexed text.

PostgreSQL: each language's columns against a text-search configuration with a stemmer where
PostgreSQL has one (English, Russian, Arabic, Turkish, French), and for Chinese and Persian,
which have none, substring and pg_trgm word-similarity matching (GIN trigram indexes from
migration 0003).
"""

from __future__ import annotations

from django.conf import settings
from django.db import connections, models
from django.db.models.expressions import RawSQL
from modeltranslation.utils import build_localized_fieldname

from heritage_sites.search.sql import SEARCH_INDEXES

MAX_QUERY_LENGTH = 200
PG_CONFIGS = {"en": "english", "ru": "russian", "ar": "arabic", "tr": "turkish", "fr": "french"}
TRIGRAM_LANGUAGES = ("zh-hans", "fa")
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
        return queryset.filter(_postgres_condition(queryset.model, index, " ".join(words), words))
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
            escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            clauses.append("body LIKE %s ESCAPE '\\'")
            params.append(f"%{escaped}%")
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


def _postgres_condition(model, index, text: str, words: list[str]) -> models.Q:
    # PostgreSQL only: the import needs psycopg, which the SQLite default does not load.
    from django.contrib.postgres.search import SearchQuery, SearchVector, TrigramWordSimilarity

    rows = model._base_manager
    condition = models.Q()
    for code in _languages():
        columns = [build_localized_fieldname(field, code) for field in index.fields]
        config = PG_CONFIGS.get(code.split("-")[0])
        if config:
            vector = SearchVector(*columns, config=config)
            query = SearchQuery(text, config=config, search_type="websearch")
            matches = rows.alias(search_vector=vector).filter(search_vector=query)
            condition |= models.Q(pk__in=matches.values("pk"))
        if code in TRIGRAM_LANGUAGES:
            for column in columns:
                substring = models.Q()
                for word in words:
                    substring &= models.Q(**{f"{column}__icontains": word})
                similar = rows.alias(similarity=TrigramWordSimilarity(text, column)).filter(
                    similarity__gte=TRIGRAM_THRESHOLD
                )
                condition |= substring | models.Q(pk__in=similar.values("pk"))
    return condition


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
