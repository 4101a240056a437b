from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from huanxin.surveys.models import CofundBracket, CofundMode


class RoundForm(forms.Form):
    title = forms.CharField(label=_("名称"), max_length=128)
    opens_on = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(label=_("截止日期"), widget=forms.DateInput(attrs={"type": "date"}))
    items = forms.MultipleChoiceField(label=_("可选改造内容"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, items: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["items"]).choices = [
            (item.pk, f"{item.code} {item.name}") for item in items
        ]
        for name in ("title", "opens_on", "closes_on"):
            self.fields[name].widget.attrs.setdefault("class", "form-control")


class ExtendForm(forms.Form):
    closes_on = forms.DateField(
        label=_("新的截止日期"), widget=forms.DateInput(attrs={"type": "date", "class": "form-control"})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class PaperAnswerForm(forms.Form):
    """A community worker enters a household's paper questionnaire (代录)."""

    household = forms.ChoiceField(label=_("住户"))
    agrees = forms.TypedChoiceField(
        label=_("是否同意改造"),
        choices=[("1", _("同意")), ("0", _("不同意"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    first_need = forms.TypedChoiceField(label=_("最需要的改造"), required=False, coerce=int, empty_value=None)
    other_needs = forms.TypedMultipleChoiceField(
        label=_("其他需要"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    cofund_willing = forms.TypedChoiceField(
        label=_("愿意出资"),
        required=False,
        choices=[("", "—"), ("1", _("愿意")), ("0", _("不愿意"))],
        coerce=lambda value: value == "1",
        empty_value=None,
    )
    cofund_modes = forms.MultipleChoiceField(
        label=_("出资方式"), required=False, choices=CofundMode.choices, widget=forms.CheckboxSelectMultiple
    )
    cofund_bracket = forms.ChoiceField(
        label=_("每户大约出资"), required=False, choices=[("", "—"), *CofundBracket.choices]
    )
    comments = forms.CharField(label=_("意见建议"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    consent = forms.BooleanField(label=_("居民已阅读个人信息告知书并同意（纸质签字）"), required=False)
    replace = forms.BooleanField(
        label=_("确认替换：该户已有答卷时，以这份纸质答卷替换（原答卷保留为历史版本）"), required=False
    )

    def __init__(
        self, *args: Any, households: list[tuple[int, str]], items: list[Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["household"]).choices = households
        choices = [(item.pk, item.name) for item in items]
        cast(forms.ChoiceField, self.fields["first_need"]).choices = [("", "—"), *choices]
        cast(forms.ChoiceField, self.fields["other_needs"]).choices = choices
        for name in ("household", "first_need", "cofund_bracket", "cofund_willing"):
            self.fields[name].widget.attrs.setdefault("class", "form-select")
        self.fields["comments"].widget.attrs.setdefault("class", "form-control")


def default_dates() -> tuple[dt.date, dt.date]:
    from huanxin.core import clock

    today = clock.today()
    return today, today + dt.timedelta(days=30)
