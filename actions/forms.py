"""Forms for recording progress, deciding on completion and moving due dates."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Layout, Size, Submit
from django import forms
from django.utils import timezone

from actions.models import Action, StatusUpdate
from actions.services import EVIDENCE_EXTENSIONS, EVIDENCE_MAX_BYTES
from wsoa.dates import validate_date_in_range


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", attrs={"class": "govuk-input govuk-input--width-10"})


class LevelChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, level):
        return level.label


class RecordProgressForm(forms.Form):
    level = LevelChoiceField(
        label="Rating",
        queryset=None,
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a rating"},
    )
    narrative = forms.CharField(
        label="Progress narrative",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What has happened since the last update, and what happens next. Required "
        "when the rating is red or amber, or worse than before.",
    )
    effective_on = forms.DateField(
        validators=[validate_date_in_range],
        label="Date this update applies from",
        widget=DateInput(),
        help_text="Usually today. It cannot be in the future.",
        error_messages={
            "required": "Enter the date this update applies from",
            "invalid": "Enter a real date",
        },
    )
    evidence_file = forms.FileField(
        label="Evidence file (optional)",
        required=False,
        help_text=f"{', '.join(sorted(e.lstrip('.').upper() for e in EVIDENCE_EXTENSIONS))}; "
        f"up to {EVIDENCE_MAX_BYTES // (1024 * 1024)} MB.",
    )
    evidence_link = forms.URLField(
        label="Evidence link (optional)",
        required=False,
        assume_scheme="https",
        help_text="A link to a document in your shared drive or intranet.",
    )
    evidence_description = forms.CharField(
        label="What the evidence shows (optional)", required=False, max_length=300
    )
    milestones = forms.ModelMultipleChoiceField(
        label="Milestones completed",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    corrects = forms.ModelChoiceField(
        label="This update corrects an earlier one (optional)",
        queryset=None,
        required=False,
        empty_label="It does not correct an earlier update",
    )
    seen_update_id = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, action: Action, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = action.plan.rating_scheme.levels.order_by("-rank")
        open_milestones = action.milestones.filter(completed_on__isnull=True)
        self.fields["milestones"].queryset = open_milestones
        self.fields["milestones"].label_from_instance = lambda m: (
            f"{m.description} (deadline: {m.deadline or 'not set'})"
        )
        self.fields["corrects"].queryset = StatusUpdate.objects.filter(
            action=action
        ).select_related("level")
        self.fields["corrects"].label_from_instance = lambda u: (
            f"{u.effective_on:%d %b %Y}: {u.level or 'Not yet rated'}"
        )
        if not self.is_bound:
            self.initial.setdefault("effective_on", timezone.localdate())
        self.helper = FormHelper()
        self.helper.form_tag = False
        fields = [
            Field.radios("level", legend_size=Size.MEDIUM, legend_tag="h2"),
            Field.textarea("narrative", label_size=Size.MEDIUM),
            Field.text("effective_on"),
            Fieldset(
                Field("evidence_file"),
                Field.text("evidence_link"),
                Field.text("evidence_description"),
                legend="Evidence",
                legend_size=Size.MEDIUM,
            ),
        ]
        if open_milestones.exists():
            fields.append(Field.checkboxes("milestones", legend_size=Size.MEDIUM, small=True))
        fields += [Field("corrects"), Field("seen_update_id"), Submit("save", "Save progress")]
        self.helper.layout = Layout(*fields)


class CompletionDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[
            ("approve", "Sign off: the action is complete"),
            ("send_back", "Send back: the action is not complete yet"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to sign off or send back"},
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required when you send it back.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.radios("decision", legend_size=Size.MEDIUM, legend_tag="h2"),
            Field.textarea("reason"),
            Submit("save", "Record decision"),
        )


class DueDateChangeForm(forms.Form):
    new_date = forms.DateField(
        validators=[validate_date_in_range],
        label="New due date",
        widget=DateInput(),
        error_messages={"required": "Enter the new due date", "invalid": "Enter a real date"},
    )
    reason = forms.CharField(
        label="Why is the date changing?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say why the due date is changing"},
        help_text="The board sees this reason and the original date.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("new_date"), Field.textarea("reason"), Submit("save", "Change due date")
        )
