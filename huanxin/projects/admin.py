from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from huanxin.projects.models import ProjectSettings


@admin.register(ProjectSettings)
class ProjectSettingsAdmin(SimpleHistoryAdmin):
    """A city's project rules: the re-approval margin, the design publicity period, whether the
    design must cover the assessment's basic problems before its publicity."""

    list_display = ("region", "reapproval_margin_percent", "publicity_days", "basic_coverage_guard")
    autocomplete_fields = ("region",)
