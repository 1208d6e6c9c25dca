# Spatial indexes for `bbox` and `near` (heritage_sites.api.geo.InIndexedBoxes asks them):
# the (latitude, longitude) B-tree reads a whole band of latitudes, a tenth of the rows for a
# box of a few kilometres. PostgreSQL (no PostGIS): a GiST index on the expression
# point(longitude, latitude). SQLite: an R*Tree table of the sites' points, filled here and
# kept in step by triggers, so every write path (admin, API, import, bulk loads) updates it.
# A later migration that makes SQLite rebuild the sites table drops those triggers with it:
# tests/api/test_spatial_index.py (built by the migrations) then fails.
#
# SQLite, with no statistics, takes `state = ?` for a choice of about ten rows and walks the
# (state, name) index through every published site rather than ask the R*Tree. Statistics
# that say most sites share a state (what ANALYZE finds in any real collection) are written
# for the indexes that start with the state; a later ANALYZE replaces them with measured ones.

from django.db import migrations

from heritage_sites.api.geo import POSTGRES_INDEX, POSTGRES_POINT, SQLITE_RTREE

SITES = "heritage_sites_heritagesite"
POINT = "CAST(new.longitude AS REAL), CAST(new.longitude AS REAL), " + (
    "CAST(new.latitude AS REAL), CAST(new.latitude AS REAL)"
)


def _state_index_statistics(schema_editor) -> None:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, SITES)
        # Measured statistics of the rows there are (and the table sqlite_stat1 itself).
        cursor.execute(f"ANALYZE {SITES}")
        for name, about in constraints.items():
            columns = about["columns"]
            if about["index"] and columns and columns[0] == "state":
                # 1,000,000 rows, 500,000 per state, then one row per value of the rest.
                stat = " ".join(["1000000", "500000"] + ["1"] * (len(columns) - 1))
                cursor.execute(
                    "INSERT INTO sqlite_stat1(tbl, idx, stat) SELECT %s, %s, %s WHERE NOT "
                    "EXISTS (SELECT 1 FROM sqlite_stat1 WHERE tbl = %s AND idx = %s)",
                    [SITES, name, stat, SITES, name],
                )
        cursor.execute("ANALYZE sqlite_schema")  # the planner reads the statistics again


def create_indexes(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        point = POSTGRES_POINT.format(longitude="longitude", latitude="latitude")
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {POSTGRES_INDEX} ON {SITES} USING gist (({point}))"
        )
    elif vendor == "sqlite":
        for statement in (
            f"CREATE VIRTUAL TABLE {SQLITE_RTREE} USING rtree(id, min_lon, max_lon, min_lat, max_lat)",
            f"INSERT INTO {SQLITE_RTREE} SELECT id, "
            + POINT.replace("new.", "")
            + f" FROM {SITES}",
            f"CREATE TRIGGER {SQLITE_RTREE}_ai AFTER INSERT ON {SITES} BEGIN "
            f"INSERT INTO {SQLITE_RTREE} VALUES (new.id, {POINT}); END",
            f"CREATE TRIGGER {SQLITE_RTREE}_au AFTER UPDATE OF id, latitude, longitude ON {SITES} "
            f"BEGIN DELETE FROM {SQLITE_RTREE} WHERE id = old.id; "
            f"INSERT INTO {SQLITE_RTREE} VALUES (new.id, {POINT}); END",
            f"CREATE TRIGGER {SQLITE_RTREE}_ad AFTER DELETE ON {SITES} BEGIN "
            f"DELETE FROM {SQLITE_RTREE} WHERE id = old.id; END",
        ):
            schema_editor.execute(statement)
        _state_index_statistics(schema_editor)


def drop_indexes(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {POSTGRES_INDEX}")
    elif vendor == "sqlite":
        for suffix in ("ai", "au", "ad"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {SQLITE_RTREE}_{suffix}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {SQLITE_RTREE}")


class Migration(migrations.Migration):
    dependencies = [
        ("heritage_sites", "0018_published_list_indexes"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="heritagesite", name="heritage_si_latitud_f60603_idx"),
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
