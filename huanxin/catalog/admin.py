from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from huanxin.catalog.models import MenuItem


@admin.register(MenuItem)
class MenuItemAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "category", "unit", "owner", "retired")
    list_filter = ("category", "retired")
    search_fields = ("code", "name")

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # items in use are retired, never deleted: the 改造菜单 page does it right
