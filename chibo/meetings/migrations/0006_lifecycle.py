"""The meeting life cycle (chibo.meetings.lifecycle): cancelled status and its reason, planned by
default, and the database constraints the services rely on. Rows that would break a constraint
are repaired first: a finalized meeting without its time takes its last change's; a time or a
resolution number on a meeting not finalized is dropped; rows of a meeting sharing a position
are renumbered in their present order."""

from django.conf import settings
from django.db import migrations, models
from django.db.models import Count


def repair(apps, schema_editor):
    Meeting = apps.get_model("meetings", "Meeting")
    for m in Meeting.objects.filter(status="finalized", finalized_at__isnull=True):
        Meeting.objects.filter(pk=m.pk).update(finalized_at=m.updated_at)
    Meeting.objects.exclude(status="finalized").exclude(finalized_at=None).update(finalized_at=None)
    Meeting.objects.exclude(status="finalized").exclude(resolution_number=None).update(resolution_number=None)
    for name in ("AgendaItem", "Guest", "Speech", "Task", "Vote"):
        model = apps.get_model("meetings", name)
        shared = (model.objects.values("meeting_id", "position").annotate(n=Count("id")).filter(n__gt=1)
                  .values_list("meeting_id", flat=True))
        for meeting_id in set(shared):
            for i, pk in enumerate(model.objects.filter(meeting_id=meeting_id).order_by("position", "id")
                                   .values_list("pk", flat=True)):
                model.objects.filter(pk=pk).update(position=i)


class Migration(migrations.Migration):

    dependencies = [
        ('meetings', '0005_vocabulary'),
        ('orgs', '0004_vocabulary'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='meeting',
            name='cancel_reason',
            field=models.CharField(blank=True, max_length=500, verbose_name='lý do hủy'),
        ),
        migrations.AlterField(
            model_name='meeting',
            name='status',
            field=models.CharField(choices=[('planned', 'Dự kiến'), ('notified', 'Đã thông báo'), ('held', 'Đã họp'), ('finalized', 'Đã hoàn tất biên bản'), ('cancelled', 'Đã hủy')], default='planned', max_length=12, verbose_name='trạng thái'),
        ),
        migrations.RunPython(repair, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='agendaitem',
            constraint=models.UniqueConstraint(fields=('meeting', 'position'), name='one_agenda_item_per_position'),
        ),
        migrations.AddConstraint(
            model_name='guest',
            constraint=models.UniqueConstraint(fields=('meeting', 'position'), name='one_guest_per_position'),
        ),
        migrations.AddConstraint(
            model_name='meeting',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['planned', 'notified', 'held', 'finalized', 'cancelled'])), name='meeting_status_valid'),
        ),
        migrations.AddConstraint(
            model_name='meeting',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('finalized_at__isnull', False), ('status', 'finalized')), models.Q(models.Q(('status', 'finalized'), _negated=True), ('finalized_at__isnull', True)), _connector='OR'), name='meeting_finalized_iff_finalized_at'),
        ),
        migrations.AddConstraint(
            model_name='meeting',
            constraint=models.CheckConstraint(condition=models.Q(('resolution_number__isnull', True), ('status', 'finalized'), _connector='OR'), name='meeting_resolution_number_only_finalized'),
        ),
        migrations.AddConstraint(
            model_name='meeting',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'cancelled'), _negated=True), models.Q(('cancel_reason', ''), _negated=True), _connector='OR'), name='meeting_cancelled_has_reason'),
        ),
        migrations.AddConstraint(
            model_name='speech',
            constraint=models.UniqueConstraint(fields=('meeting', 'position'), name='one_speech_per_position'),
        ),
        migrations.AddConstraint(
            model_name='task',
            constraint=models.UniqueConstraint(fields=('meeting', 'position'), name='one_task_per_position'),
        ),
        migrations.AddConstraint(
            model_name='vote',
            constraint=models.UniqueConstraint(fields=('meeting', 'position'), name='one_vote_per_position'),
        ),
    ]
