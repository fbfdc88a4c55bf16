"""Client keys and versions (no lost updates on the live recording page): every guest, agenda
item, speech, vote and task gets `key`, a UUID (existing rows get a fresh one each here), and a
`version`; the meeting's header and its attendance rows get a `version`. The key becomes required
and unique per meeting in 0008 (a separate transaction: PostgreSQL refuses to alter a table whose
rows this transaction has just updated)."""

import uuid

from django.db import migrations, models

KEYED = ("guest", "agendaitem", "speech", "vote", "task")


def fill_keys(apps, schema_editor):
    """One UPDATE per table, the keys made by the database: a province's millions of rows in
    seconds (PostgreSQL's gen_random_uuid(), version 4; SQLite's 16 random bytes, which is how
    Django stores a UUID there: 32 hexadecimal digits). Other databases: row by row."""
    vendor = schema_editor.connection.vendor
    for name in KEYED:
        model = apps.get_model("meetings", name)
        table = schema_editor.quote_name(model._meta.db_table)
        if vendor == "postgresql":
            schema_editor.execute(f'UPDATE {table} SET "key" = gen_random_uuid() WHERE "key" IS NULL')
        elif vendor == "sqlite":
            schema_editor.execute(f'UPDATE {table} SET "key" = lower(hex(randomblob(16))) WHERE "key" IS NULL')
        else:
            rows = list(model.objects.filter(key__isnull=True).only("pk"))
            for row in rows:
                row.key = uuid.uuid4()
            model.objects.bulk_update(rows, ["key"], batch_size=500)


def version():
    return models.PositiveIntegerField(default=1, editable=False, verbose_name="phiên bản")


class Migration(migrations.Migration):

    dependencies = [
        ("meetings", "0006_lifecycle"),
    ]

    operations = [
        *[migrations.AddField(model_name=name, name="key",
                              field=models.UUIDField(null=True, editable=False, verbose_name="mã dòng"))
          for name in KEYED],
        *[migrations.AddField(model_name=name, name="version", field=version())
          for name in (*KEYED, "attendance", "meeting")],
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
    ]
