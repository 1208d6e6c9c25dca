# Search on PostgreSQL through indexes: a GIN index on each stemmed language's text-search
# document and upper-cased trigram indexes for Chinese and Persian, the expressions
# heritage_sites.search.query writes. Before this, every search read every row.
# Nothing to do on SQLite, whose FTS5 tables (migration 0003) are indexes already.
# Language list frozen as in 0003: a new language needs a new migration.

from django.db import migrations

from heritage_sites.search.sql import (
    SEARCH_INDEXES,
    postgres_index_names,
    postgres_index_statements,
)

LANGUAGES = ["en", "zh_hans", "ar", "ru", "fa", "tr", "fr"]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in postgres_index_statements(SEARCH_INDEXES, LANGUAGES):
            schema_editor.execute(statement)


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in postgres_index_names(SEARCH_INDEXES, LANGUAGES):
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("heritage_sites", "0014_import_jobs"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
