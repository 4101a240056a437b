from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from huanxin.projects.models import ProjectSettings


@admin.register(ProjectSettings)
class ProjectSettingsAdmin(SimpleHistoryAdmin):
    """A city's project rules: the re-approval margin and the design publicity period."""

    list_display = ("region", "reapproval_margin_percent", "publicity_days")
    autocomplete_fields = ("region",)
