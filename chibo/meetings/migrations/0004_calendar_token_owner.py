"""Calendar tokens belong to the user who created them (issue 7: feeds are revoked with the user's
rights), with their creation and revocation times; a user has one token per cell and per member.

Existing tokens have no user to check, so they are deleted: the feeds stop answering and their
users create a new address on the cell page or on "Của tôi" (one click)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def delete_unowned_tokens(apps, schema_editor):
    apps.get_model("meetings", "CalendarToken").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("meetings", "0003_trust"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(delete_unowned_tokens, migrations.RunPython.noop),
        migrations.AlterModelOptions(
            name="calendartoken",
            options={"verbose_name": "địa chỉ lịch"},
        ),
        migrations.AddField(
            model_name="calendartoken",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, default=django.utils.timezone.now, verbose_name="tạo lúc"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="calendartoken",
            name="revoked_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="thu hồi lúc"),
        ),
        migrations.AddField(
            model_name="calendartoken",
            name="user",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="calendar_tokens", to=settings.AUTH_USER_MODEL,
                                    verbose_name="người tạo"),
        ),
        migrations.AlterField(
            model_name="calendartoken",
            name="user",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="calendar_tokens",
                                    to=settings.AUTH_USER_MODEL, verbose_name="người tạo"),
        ),
        migrations.AlterField(
            model_name="calendartoken",
            name="member",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="calendar_tokens", to="orgs.member", verbose_name="đảng viên"),
        ),
        migrations.AlterField(
            model_name="calendartoken",
            name="organization",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="calendar_tokens", to="orgs.organization", verbose_name="chi bộ"),
        ),
        migrations.AddConstraint(
            model_name="calendartoken",
            constraint=models.UniqueConstraint(condition=models.Q(("organization__isnull", False)),
                                               fields=("user", "organization"),
                                               name="calendar_token_one_per_user_org"),
        ),
        migrations.AddConstraint(
            model_name="calendartoken",
            constraint=models.UniqueConstraint(condition=models.Q(("member__isnull", False)),
                                               fields=("user", "member"),
                                               name="calendar_token_one_per_user_member"),
        ),
    ]
