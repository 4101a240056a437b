from django.contrib import admin

from huanxin.regions.models import Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent", "retired_on")
    list_filter = ("level", "retired_on")
    search_fields = ("code", "name")
    autocomplete_fields = ("parent",)
