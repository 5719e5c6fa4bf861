"""Forms that take a file: a plan file to load, a spreadsheet of KPI values to import."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Layout, Submit
from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from kpis.choices import YearConvention
from wsoa.dates import validate_date_in_range


class PlanUploadForm(forms.Form):
    plan_file = forms.FileField(
        label="Plan file",
        # An empty file is reported by the loader, in the same words as the command uses.
        allow_empty_file=True,
        help_text="A YAML (.yaml) or JSON (.json) file written in the plan format. The whole "
        "file is checked first; nothing is saved if anything in it is wrong.",
        error_messages={"required": "Choose a plan file"},
        widget=forms.ClearableFileInput(attrs={"accept": ".yaml,.yml,.json"}),
    )
    update = forms.BooleanField(
        label="Update the existing plan",
        required=False,
        help_text="If this plan is already loaded, change it to match the file: new actions "
        "are added, changed text is updated, and every status update already recorded is kept.",
    )
    dry_run = forms.BooleanField(
        label="Only check the file (dry run)",
        required=False,
        help_text="Nothing is saved: you see what loading the file would create or change.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's <form> carries the token
        self.helper.layout = Layout(
            Field("plan_file"),
            Field.checkbox("update"),
            Field.checkbox("dry_run"),
            Submit("load", "Check and load the plan"),
        )

    def clean_plan_file(self):
        upload = self.cleaned_data["plan_file"]
        limit = settings.PLAN_UPLOAD_MAX_BYTES
        # Checked before the file is read, so that a huge file is never held in memory.
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is {filesizeformat(upload.size)}; a plan file must be no larger "
                f"than {filesizeformat(limit)}",
                code="too_large",
            )
        return upload


class KpiImportForm(forms.Form):
    file = forms.FileField(
        label="File of values",
        help_text="A CSV (UTF-8) or Excel .xlsx file with the columns below.",
        error_messages={"required": "Choose a CSV or XLSX file", "empty": "The file is empty"},
    )
    year_convention = forms.ChoiceField(
        label="How are years like 2021/22 written in this file?",
        choices=[("", "Not stated: each KPI's own, else financial years"), *YearConvention.choices],
        required=False,
        help_text="A KPI's own year convention, or a year_convention column, wins over this.",
    )
    as_at = forms.DateField(
        label='"As at" date of the file (optional)',
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        validators=[validate_date_in_range],
        help_text="For example 31/12/2021: where a year to date that does not say ends.",
        error_messages={"invalid": "Enter the date like 31/12/2021"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field("file"),
            Field.select("year_convention"),
            Field.text("as_at", field_width=10),
            HTML(""),
            Submit("check", "Check the file", css_class="govuk-button--secondary"),
            Submit("upload", "Import values"),
        )
