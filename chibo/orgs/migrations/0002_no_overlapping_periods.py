"""No overlapping periods of one kind for a member, enforced by the database.

PostgreSQL: exclusion constraints over date ranges (btree_gist).
SQLite: triggers that abort the insert or update.
"""

from django.db import migrations

TABLES = {
    # table: (constraint name, extra equality columns)
    "orgs_membership": ("membership_no_overlap", []),
    "orgs_memberperiod": ("memberperiod_no_overlap", ["kind"]),
}


def forwards(apps, schema_editor):
    conn = schema_editor.connection
    for table, (name, extra) in TABLES.items():
        if conn.vendor == "postgresql":
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
            cols = "".join(f", {c} WITH =" for c in extra)
            schema_editor.execute(
                f'ALTER TABLE {table} ADD CONSTRAINT {name} EXCLUDE USING gist '
                f'(member_id WITH ={cols}, daterange(start, "end", \'[]\') WITH &&)'
            )
        elif conn.vendor == "sqlite":
            same = "".join(f" AND o.{c} = NEW.{c}" for c in extra)
            clash = (
                f'SELECT 1 FROM {table} o WHERE o.member_id = NEW.member_id{same} '
                f'AND (o."end" IS NULL OR o."end" >= NEW.start) AND (NEW."end" IS NULL OR o.start <= NEW."end")'
            )
            for event, exclude_self in (("INSERT", ""), ("UPDATE", " AND o.id != NEW.id")):
                schema_editor.execute(
                    f"CREATE TRIGGER {name}_{event.lower()} BEFORE {event} ON {table} "
                    f"WHEN EXISTS ({clash}{exclude_self}) "
                    f"BEGIN SELECT RAISE(ABORT, '{name}: overlapping periods'); END"
                )


def backwards(apps, schema_editor):
    conn = schema_editor.connection
    for table, (name, _extra) in TABLES.items():
        if conn.vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}")
        elif conn.vendor == "sqlite":
            for event in ("insert", "update"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}_{event}")


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
