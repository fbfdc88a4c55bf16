"""On PostgreSQL, one member's relief periods may not share a month (rules-v2.md §8.2): an
exclusion constraint over the inclusive range of first days `[from_month, to_month]` (an empty
`to_month` is an open upper end). SQLite has no such constraint; there the service is the check
(`chibo.fees.services.relief_save`), and tests/test_fees_models.py tries both."""

from django.db import migrations

CREATE = (
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    "ALTER TABLE fees_relief ADD CONSTRAINT relief_no_overlap EXCLUDE USING gist "
    "(member_id WITH =, daterange(from_month, to_month, '[]') WITH &&)",
)
DROP = ("ALTER TABLE fees_relief DROP CONSTRAINT IF EXISTS relief_no_overlap",)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in CREATE:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("fees", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
