from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from huanxin.estates.models import ADDRESS_ORDER, Estate, Household


class HouseholdChoiceForm(forms.Form):
    """Building, unit and room as pickers: residents never type an address."""

    household = forms.ChoiceField(label=_("单元和房号"))
    method = forms.ChoiceField(
        choices=[("slip", _("通知单验证码")), ("sms", _("短信验证码"))], initial="slip"
    )
    code = forms.CharField(label=_("验证码"), max_length=16, required=False)

    def __init__(self, *args: Any, estate: Estate, building_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        households = Household.objects.filter(estate=estate)
        if building_id:
            households = households.filter(building_id=building_id)
        cast(forms.ChoiceField, self.fields["household"]).choices = [
            (household.pk, _("%(unit)s单元 %(room)s室") % {"unit": household.unit, "room": household.room})
            for household in households.order_by(*ADDRESS_ORDER)
        ]
