# Site stewards (who may edit a site) and the full-text search index for the API.
#
# Search on SQLite: one FTS5 table per searchable model, trigram tokenizer (works for Chinese
# and Persian, which have no word stemmer), rowid = the model's primary key, one "body" column
# holding every translated name and description. Triggers keep it in step with every write,
# whatever path the write takes (admin, API, shell). On PostgreSQL the API searches the columns
# directly (full-text search plus pg_trgm), so this migration only enables pg_trgm there.
#
# The column lists are frozen here on purpose: adding a language adds columns in a new
# migration, which must then call heritage_sites.search.sql.sqlite_fts_statements() again.

from django.db import migrations, models

from heritage_sites.search.sql import SEARCH_INDEXES, postgres_statements, sqlite_fts_statements

LANGUAGES = ["en", "zh_hans", "ar", "ru", "fa", "tr", "fr"]


def create_search_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        statements = sqlite_fts_statements(SEARCH_INDEXES, LANGUAGES)
    elif vendor == "postgresql":
        statements = postgres_statements(SEARCH_INDEXES, LANGUAGES)
    else:
        statements = []
    for statement in statements:
        schema_editor.execute(statement)


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for index in SEARCH_INDEXES:
        for suffix in ("ai", "au", "ad"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {index.fts_table}_{suffix}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {index.fts_table}")


class Migration(migrations.Migration):
    dependencies = [
        ("heritage_sites", "0002_site_text_source"),
    ]

    operations = [
        migrations.AddField(
            model_name="heritagesite",
            name="stewards",
            field=models.ManyToManyField(
                blank=True,
                related_name="stewarded_sites",
                to="heritage_sites.institution",
                verbose_name="stewards",
            ),
        ),
        migrations.RunPython(create_search_index, drop_search_index, elidable=False),
    ]
