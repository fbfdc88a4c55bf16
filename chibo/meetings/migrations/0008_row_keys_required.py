"""The rows' client keys (0007) are required and unique per meeting."""

import uuid

from django.db import migrations, models

KEYED = {"guest": "guest", "agendaitem": "agenda_item", "speech": "speech", "vote": "vote", "task": "task"}


class Migration(migrations.Migration):

    dependencies = [
        ("meetings", "0007_row_keys"),
    ]

    operations = [
        *[migrations.AlterField(model_name=name, name="key",
                                field=models.UUIDField(default=uuid.uuid4, editable=False, verbose_name="mã dòng"))
          for name in KEYED],
        *[migrations.AddConstraint(model_name=name,
                                   constraint=models.UniqueConstraint(fields=("meeting", "key"), name=f"one_{label}_per_key"))
          for name, label in KEYED.items()],
    ]
