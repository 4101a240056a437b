from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from huanxin.planning.models import EligibilitySettings


@admin.register(EligibilitySettings)
class EligibilitySettingsAdmin(SimpleHistoryAdmin):
    list_display = ("region", "cutoff_year", "agreement_mode", "require_basic_deficiency")
    autocomplete_fields = ("region",)
