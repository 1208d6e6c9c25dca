"""Rebuild the SQLite full-text index (FTS5 tables and their triggers) from the rows.

Needed after adding a language to settings.LANGUAGES (new columns the triggers do not know
yet) or after loading rows with raw SQL that bypassed the triggers. PostgreSQL searches the
columns themselves and has nothing to rebuild.
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from heritage_sites.search.sql import SEARCH_INDEXES, sqlite_fts_statements


class Command(BaseCommand):
    help = "Rebuild the SQLite FTS5 search tables and triggers for every language."

    def handle(self, *args, **options):
        if connection.vendor != "sqlite":
            self.stdout.write("Nothing to do: only the SQLite default keeps a separate index.")
            return
        languages = [code.replace("-", "_") for code, _name in settings.LANGUAGES]
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in sqlite_fts_statements(SEARCH_INDEXES, languages):
                cursor.execute(statement)
        self.stdout.write(
            self.style.SUCCESS(f"Search index rebuilt for {len(languages)} languages.")
        )
