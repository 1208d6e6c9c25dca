# The change log that tells a kept facet count whether anything it counted has changed since
# (heritage_sites/changes.py): triggers on the catalogue tables, a transaction-id log on
# PostgreSQL, a counter on SQLite.

from django.db import migrations

from heritage_sites import changes


def create_log(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": changes.postgres_statements, "sqlite": changes.sqlite_statements}
    if vendor in statements:
        for statement in statements[vendor]():
            schema_editor.execute(statement)


def drop_log(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {
        "postgresql": changes.postgres_drop_statements,
        "sqlite": changes.sqlite_drop_statements,
    }
    if vendor in statements:
        for statement in statements[vendor]():
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("heritage_sites", "0019_spatial_indexes_of_sites"),
    ]

    operations = [
        migrations.RunPython(create_log, drop_log, elidable=False),
    ]
