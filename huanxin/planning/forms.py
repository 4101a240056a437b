from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from huanxin.core.forms import style_widgets
from huanxin.planning.models import EligibilitySettings, Program
from huanxin.planning.rules import EXCLUSIONS


class EligibilitySettingsForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    exclusions = forms.MultipleChoiceField(
        label=_("排除情形"),
        choices=list(EXCLUSIONS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = EligibilitySettings
        fields = [
            "cutoff_year",
            "require_basic_deficiency",
            "agreement_mode",
            "agreement_numerator",
            "agreement_denominator",
            "quorum_numerator",
            "quorum_denominator",
            "majority_numerator",
            "majority_denominator",
            "exclusions",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ProgramForm(forms.ModelForm):
    """A program's name, years and targets; the region is the city's own."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Program
        fields = [
            "name",
            "start_year",
            "end_year",
            "target_estates",
            "target_households",
            "target_area_m2",
            "target_investment_yuan",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
