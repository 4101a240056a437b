"""Bootstrap classes on form widgets, once for every form (templates keep markup simple)."""

from __future__ import annotations

from typing import Any

from django import forms


def style_widgets(form: Any) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select) and not isinstance(widget, forms.SelectMultiple):
            css = "form-select"
        elif isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect | forms.HiddenInput):
            continue
        else:
            css = "form-control"
        widget.attrs.setdefault("class", css)
