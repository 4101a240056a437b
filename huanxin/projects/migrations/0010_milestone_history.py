"""Milestones set before their schedule was written into history: each gets the version it was
created with, dated when its project was opened, so that a past day reads the schedule."""

from django.db import migrations
from django.db.models import Min
from django.utils import timezone


def backfill(apps, schema_editor):
    Milestone = apps.get_model("projects", "Milestone")
    HistoricalMilestone = apps.get_model("projects", "HistoricalMilestone")
    HistoricalProject = apps.get_model("projects", "HistoricalProject")
    recorded = set(HistoricalMilestone.objects.filter(history_type="+").values_list("id", flat=True))
    reached_later = set(
        HistoricalMilestone.objects.filter(history_type="~", done_on__isnull=False).values_list("id", flat=True)
    )
    opened = dict(
        HistoricalProject.objects.values_list("id").annotate(first=Min("history_date")).order_by()
    )
    now = timezone.now()
    HistoricalMilestone.objects.bulk_create(
        HistoricalMilestone(
            id=milestone.id,
            project_id=milestone.project_id,
            name=milestone.name,
            due_on=milestone.due_on,
            done_on=None if milestone.id in reached_later else milestone.done_on,
            history_date=opened.get(milestone.project_id) or now,
            history_type="+",
            history_change_reason="补记进度节点",
        )
        for milestone in Milestone.objects.exclude(id__in=recorded)
    )


class Migration(migrations.Migration):
    dependencies = [("projects", "0009_timestamps_on_the_clock")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
