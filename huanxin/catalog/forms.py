from __future__ import annotations

from typing import Any

from django import forms

from huanxin.catalog.models import MenuItem
from huanxin.core.forms import style_widgets

MENU_FIELDS = [
    "code",
    "category",
    "name",
    "unit",
    "unit_cost_min",
    "unit_cost_max",
    "min_floors",
    "description",
    "retired",
]


class MenuItemForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = MenuItem
        fields = MENU_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def changes(self) -> dict[str, Any]:
        return {field: self.cleaned_data[field] for field in MENU_FIELDS}
