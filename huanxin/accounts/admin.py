"""The system administrator's screens for users and organizations (SPEC 1: admin only)."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from huanxin.accounts.models import ApiToken, Organization, User
from huanxin.accounts.permissions import Role


class UserForm(forms.ModelForm):
    roles = forms.MultipleChoiceField(
        label=_("角色"), choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = User
        fields = ("username", "full_name", "is_active", "roles", "organization", "region")


@admin.register(User)
class HuanxinUserAdmin(UserAdmin):
    form = UserForm
    list_display = ("username", "full_name", "organization", "region", "role_list", "is_active", "last_login")
    list_filter = ("is_active", "organization__kind")
    search_fields = ("username", "full_name", "organization__name")
    autocomplete_fields = ("organization", "region")
    fieldsets = (
        (None, {"fields": ("username", "password", "full_name", "is_active")}),
        (_("职责与辖区"), {"fields": ("roles", "organization", "region")}),
        (_("登录"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "fields": (
                    "username",
                    "password1",
                    "password2",
                    "full_name",
                    "roles",
                    "organization",
                    "region",
                )
            },
        ),
    )

    @admin.display(description=_("角色"))
    def role_list(self, user: User) -> str:
        return "、".join(user.role_labels)

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        # The administrator role is also Django's superuser (these screens); nobody else is.
        obj.is_staff = obj.is_superuser = Role.ADMIN in (obj.roles or [])
        super().save_model(request, obj, form, change)


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "region", "phone")
    list_filter = ("kind",)
    search_fields = ("name",)
    autocomplete_fields = ("region",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "user", "created_at", "expires_at", "revoked_at", "last_used_at")
    readonly_fields = ("user", "key_hash", "prefix", "created_at", "last_used_at")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False  # tokens come from POST /api/v1/auth/token
