from django.contrib import admin

from huanxin.core.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit trail: read-only, for the administrator (the auditor's page comes with reports)."""

    list_display = ("at", "actor_name", "action", "object_type", "object_id", "region_code", "ip_address")
    list_filter = ("action",)
    search_fields = ("actor_name", "action", "object_id", "region_code")
    date_hierarchy = "at"

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
