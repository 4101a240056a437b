from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from huanxin.accounts.permissions import FACT_FIELDS
from huanxin.core.forms import style_widgets
from huanxin.estates.models import Estate
from huanxin.estates.rules import EXCLUSION_FLAGS
from huanxin.regions.models import Region
from huanxin.regions.rules import Level

ESTATE_FIELDS = [
    "name",
    "aliases",
    "region",
    "address",
    "year_built",
    "building_count",
    "households",
    "floor_area_m2",
    "property_right_unit",
    "management_mode",
    "latitude",
    "longitude",
    "has_gas",
    "has_heating",
    "has_elevator",
    *EXCLUSION_FLAGS,
    "notes",
]


class EstateForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Estate
        fields = ESTATE_FIELDS
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Region choices narrowed the same way as every read: only communities in the jurisdiction,
        # and only current ones (a retired community stays selectable for the estate already in it).
        region_field = self.fields["region"]
        assert isinstance(region_field, forms.ModelChoiceField)
        region_field.queryset = (
            Region.objects.visible_to(user)
            .filter(Q(retired_on__isnull=True) | Q(pk=self.instance.region_id))
            .filter(level=Level.COMMUNITY)
            .select_related("parent", "parent__parent")
        )
        region_field.label_from_instance = lambda region: (  # type: ignore[method-assign,assignment]
            f"{region.parent.parent.name} / {region.parent.name} / {region.name}"
        )
        region_field.label = _("所属社区")
        style_widgets(self)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def limit_to_facts(self) -> None:
        """Shown but not editable for roles that may only correct facts (accounts.permissions)."""
        for name, field in self.fields.items():
            if name in ESTATE_FIELDS and name not in FACT_FIELDS:
                field.disabled = True

    def changes(self) -> dict[str, Any]:
        return {field: self.cleaned_data[field] for field in ESTATE_FIELDS}


class LedgerUploadForm(forms.Form):
    file = forms.FileField(
        label=_("台账文件"),
        help_text=_("支持 xlsx、xls、ods、csv（UTF-8 或 GBK 编码）"),
        widget=forms.ClearableFileInput(
            attrs={"class": "form-control", "accept": ".xlsx,.xls,.xlsm,.ods,.csv"}
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".xls", ".xlsm", ".ods", ".csv")):
            raise forms.ValidationError(_("只能上传 xlsx、xls、ods 或 csv 文件"))
        return upload


class HouseholdForm(forms.Form):
    building = forms.CharField(label=_("楼栋"), max_length=32)
    unit = forms.CharField(label=_("单元"), max_length=16, initial="1")
    room = forms.CharField(label=_("房号"), max_length=16)
    floor_area_m2 = forms.DecimalField(
        label=_("面积"), max_digits=8, decimal_places=2, min_value=1, required=False
    )
    owner_name = forms.CharField(label=_("户主"), max_length=64, required=False)
    owner_phone = forms.RegexField(
        label=_("电话"),
        regex=r"^(1\d{10}|0\d{2,3}-?\d{7,8})$",
        required=False,
        error_messages={"invalid": _("电话号码格式不正确")},
    )
