"""The stored entries are now kept in the audit's printed form (chibo.interchange.auditjson.
entry_text): results stored before are dropped, and recomputed by the next save, page or
`chibo refresh` (pages compute the cell-years never stored)."""

from django.db import migrations


def drop_results(apps, schema_editor):
    for name in ("MeetingResult", "PeriodFinding", "CellYear"):
        apps.get_model("results", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("results", "0001_initial")]
    operations = [migrations.RunPython(drop_results, migrations.RunPython.noop)]
