"""Forms for entering a KPI value and overriding its rating."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError

from kpis.models import KpiRag, KpiUnit, ValueStatus
from kpis.parsing import CellError, parse_date, parse_decimal, parse_whole_number
from kpis.periods import PeriodError, parse_period


class KpiValueForm(forms.Form):
    """One value of one KPI. Dates and numbers are text fields read by the same rules as
    the import file, so "76.6%", "1,312" and "31/03/2020" all work."""

    period_label = forms.CharField(
        label="Period",
        max_length=100,
        help_text="As your dataset writes it: 2019/20, Q3 2021/22, Apr 2021, 2021/22 YTD.",
        error_messages={"required": "Enter the period, like Q3 2021/22"},
    )
    period_start = forms.CharField(
        label="First day of the period (optional)",
        required=False,
        help_text="Only if the period does not say, for example 01/04/2021.",
    )
    period_end = forms.CharField(
        label="Last day of the period (optional)",
        required=False,
        help_text="Only if the period does not say; a year to date needs it.",
    )
    status = forms.ChoiceField(
        label="Is there a figure for this period?",
        choices=[
            (ValueStatus.RECORDED, "Yes"),
            (ValueStatus.UNRELIABLE, "Yes, but the data is unreliable"),
            (ValueStatus.NO_DATA, "No data for this period"),
        ],
        initial=ValueStatus.RECORDED,
        widget=forms.RadioSelect,
    )
    value = forms.CharField(label="Value", required=False)
    numerator = forms.CharField(label="Numerator", required=False, help_text="How many met it.")
    denominator = forms.CharField(label="Denominator", required=False, help_text="Out of how many.")
    note = forms.CharField(
        label="Note (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    source = forms.CharField(
        label="Source (optional)",
        required=False,
        max_length=300,
        help_text="Where the figure comes from: system, report, statutory return.",
    )

    def __init__(self, *args, kpi, **kwargs):
        super().__init__(*args, **kwargs)
        self.kpi = kpi
        unit = KpiUnit(kpi.unit)
        self.fields["value"].help_text = {
            KpiUnit.PERCENTAGE: "A percentage, like 76.6. Leave it blank if you give the "
            "numerator and denominator.",
            KpiUnit.COUNT: "A whole number, like 1312.",
            KpiUnit.DAYS: "A number of days.",
            KpiUnit.MONEY: "An amount in pounds, like 7200000.",
            KpiUnit.NUMBER: "A number.",
        }[unit]
        self.helper = FormHelper()
        self.helper.form_tag = False
        figures = [Field.text("value", field_width=10)]
        if kpi.unit == KpiUnit.PERCENTAGE:
            figures += [
                Field.text("numerator", field_width=5),
                Field.text("denominator", field_width=5),
            ]
        self.helper.layout = Layout(
            Field.text("period_label", field_width=20),
            Field.text("period_start", field_width=10),
            Field.text("period_end", field_width=10),
            Field.radios("status", legend_size=Size.SMALL),
            Fieldset(*figures, legend="Figure", legend_size=Size.SMALL),
            Field.textarea("note"),
            Field.text("source"),
            Submit("save", "Save value"),
        )
        if kpi.unit != KpiUnit.PERCENTAGE:
            del self.fields["numerator"], self.fields["denominator"]

    def _read(self, name, parse):
        try:
            return parse(self.cleaned_data.get(name))
        except CellError as exc:
            self.add_error(name, f"{exc}")
            return None

    def clean(self):
        data = super().clean()
        start = self._read("period_start", parse_date)
        end = self._read("period_end", parse_date)
        data["figure"] = self._read("value", parse_decimal)
        data["numerator_number"] = (
            self._read("numerator", parse_whole_number) if "numerator" in self.fields else None
        )
        data["denominator_number"] = (
            self._read("denominator", parse_whole_number) if "denominator" in self.fields else None
        )
        if (
            data.get("period_label")
            and not self.has_error("period_start")
            and not self.has_error("period_end")
        ):
            try:
                data["period"] = parse_period(data["period_label"], start=start, end=end)
            except PeriodError as exc:
                self.add_error("period_label", str(exc))
        return data

    def add_model_errors(self, error: ValidationError) -> None:
        """Put a service's validation errors on the matching fields."""
        mapping = {"figure": "value", "period_start": "period_start", "period_end": "period_end"}
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, messages in error.message_dict.items():
            field = mapping.get(name, name)
            if field not in self.fields:
                field = "value" if field in {"numerator", "denominator", "status"} else None
            for message in messages:
                self.add_error(field, message)


class RagOverrideForm(forms.Form):
    rag = forms.ChoiceField(
        label="Rating to show",
        choices=[
            (KpiRag.RED, "Red"),
            (KpiRag.AMBER, "Amber"),
            (KpiRag.GREEN, "Green"),
            ("", "Remove the override: show the computed rating"),
        ],
        required=False,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Why?",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Readers see this reason beside the rating.",
        error_messages={"required": "Say why the rating is overridden"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.radios("rag", legend_size=Size.MEDIUM, legend_tag="h2"),
            Field.textarea("reason"),
            Submit("save", "Save rating"),
        )
