"""Forms for recording governance in the browser (crispy-forms, GOV.UK `gds` pack).

Forms only parse and check input; the views pass the cleaned data to one service."""

from __future__ import annotations

import datetime

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fluid, Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError

from governance.dashboard import board_actions
from governance.models import (
    AttendanceStatus,
    BoardMember,
    ForwardPlanStatus,
    Meeting,
    MeetingActionStatus,
    MeetingStatus,
)
from wsoa.dates import validate_date_in_range
from wsoa.models import Board, Concern, Organisation, User


def _helper(*fields, submit: str) -> FormHelper:
    helper = FormHelper()
    helper.layout = Layout(*fields, Submit("submit", submit))
    return helper


def _date_field(label: str, *, required: bool, help_text: str = "") -> DateInputField:
    field = DateInputField(label=label, required=required, help_text=help_text)
    field.validators.append(validate_date_in_range)
    field.error_messages["required"] = f"Enter the {label.lower()}"
    field.error_messages["incomplete"] = f"Enter the {label.lower()} as a day, month and year"
    return field


class _ConcernChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Concern) -> str:
        return f"{obj.plan.concern_label} {obj.number}: {obj.title}"


def _concerns_of_area(board: Board):
    return Concern.objects.filter(plan__area_id=board.area_id).select_related("plan")


class BoardMemberForm(forms.Form):
    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Enter the member's name"}
    )
    initials = forms.CharField(
        label="Initials",
        max_length=10,
        help_text="As the minutes refer to them, e.g. IT.",
        error_messages={"required": "Enter the member's initials"},
    )
    post = forms.CharField(label="Post", max_length=300, required=False)
    organisation = forms.ModelChoiceField(
        label="Organisation", queryset=Organisation.objects.none(), required=False
    )
    user = forms.ModelChoiceField(
        label="User account",
        queryset=User.objects.none(),
        required=False,
        help_text="Link their account if they have one: a chair's account may record meetings.",
    )
    is_chair = forms.BooleanField(label="Chair of this board", required=False)
    is_active = forms.BooleanField(label="Sits on the board now", required=False, initial=True)

    def __init__(self, *args, board: Board, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(area_id=board.area_id)
        self.fields["user"].queryset = User.objects.filter(
            memberships__area_id=board.area_id
        ).order_by("last_name", "first_name")
        self.helper = _helper(
            Field.text("name", field_width=Fluid.TWO_THIRDS),
            Field.text("initials", field_width=5),
            Field.text("post", field_width=Fluid.TWO_THIRDS),
            Field.select("organisation"),
            Field.select("user"),
            Field.checkbox("is_chair"),
            Field.checkbox("is_active"),
            submit="Save member",
        )


class MeetingForm(forms.Form):
    date = _date_field("Date", required=True, help_text="For example, 22 3 2022")
    starts = forms.TimeField(
        label="Start time",
        help_text="For example, 14:00",
        error_messages={"required": "Enter the start time", "invalid": "Enter a time like 14:00"},
    )
    ends = forms.TimeField(
        label="End time (optional)",
        required=False,
        error_messages={"invalid": "Enter a time like 16:00"},
    )
    location = forms.CharField(
        label="Place",
        max_length=200,
        required=False,
        help_text='A room and building, or "Virtual via Teams".',
    )
    is_virtual = forms.BooleanField(label="The meeting is held online", required=False)
    status = forms.ChoiceField(
        label="Status", choices=MeetingStatus.choices, initial=MeetingStatus.SCHEDULED
    )
    notes = forms.CharField(label="Notes (optional)", widget=forms.Textarea, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field("date"),
            Field.text("starts", field_width=5),
            Field.text("ends", field_width=5),
            Field.text("location", field_width=Fluid.TWO_THIRDS),
            Field.checkbox("is_virtual"),
            Field.radios("status", inline=True, legend_size=Size.SMALL),
            Field.textarea("notes", rows=3),
            submit="Save meeting",
        )

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("starts"):
            data["starts_at"] = _aware(data["date"], data["starts"])
            data["ends_at"] = _aware(data["date"], data["ends"]) if data.get("ends") else None
            if data["ends_at"] and data["ends_at"] <= data["starts_at"]:
                self.add_error("ends", "The end time must be after the start time")
        return data

    @classmethod
    def initial_for(cls, meeting: Meeting) -> dict:
        from django.utils import timezone  # noqa: PLC0415

        starts = timezone.localtime(meeting.starts_at)
        ends = timezone.localtime(meeting.ends_at) if meeting.ends_at else None
        return {
            "date": starts.date(),
            "starts": starts.strftime("%H:%M") if meeting.time_is_known else "",
            "ends": ends.strftime("%H:%M") if ends else "",
            "location": meeting.location,
            "is_virtual": meeting.is_virtual,
            "status": meeting.status,
            "notes": meeting.notes,
        }


def _aware(day: datetime.date, time: datetime.time) -> datetime.datetime:
    from django.utils import timezone  # noqa: PLC0415

    return timezone.make_aware(datetime.datetime.combine(day, time))


ATTENDANCE_CHOICES = [
    ("", "Not recorded"),
    (AttendanceStatus.PRESENT, "Present"),
    (AttendanceStatus.APOLOGIES, "Apologies"),
    (AttendanceStatus.ABSENT, "Absent"),
]


class AttendanceForm(forms.Form):
    """One question per member: present, apologies, absent or not recorded; and guests."""

    guests = forms.CharField(
        label="Others in attendance (optional)",
        help_text="One person a line: name, then organisation after a comma.",
        widget=forms.Textarea,
        required=False,
    )

    def __init__(self, *args, members: list[BoardMember], **kwargs):
        super().__init__(*args, **kwargs)
        self.members = members
        fields = []
        for member in members:
            name = f"member_{member.pk}"
            org = f", {member.organisation}" if member.organisation_id else ""
            self.fields[name] = forms.ChoiceField(
                label=f"{member.name} ({member.initials}){org}",
                choices=ATTENDANCE_CHOICES,
                required=False,
            )
            fields.append(Field.radios(name, inline=True, legend_size=Size.SMALL, small=True))
        self.order_fields([*(f"member_{m.pk}" for m in members), "guests"])
        self.helper = _helper(*fields, Field.textarea("guests", rows=4), submit="Save attendance")

    def statuses(self) -> dict[int, str]:
        return {m.pk: self.cleaned_data.get(f"member_{m.pk}", "") for m in self.members}

    def guest_list(self) -> list[dict]:
        guests = []
        for line in self.cleaned_data.get("guests", "").splitlines():
            if not line.strip():
                continue
            name, _, organisation = line.partition(",")
            guests.append({"name": name.strip(), "organisation_name": organisation.strip()})
        return guests


class AgendaItemForm(forms.Form):
    number = forms.IntegerField(
        label="Item number",
        min_value=1,
        max_value=999,
        required=False,
        help_text="Leave blank to add it at the end.",
    )
    title = forms.CharField(
        label="Title", max_length=300, error_messages={"required": "Enter the item's title"}
    )
    presenter = forms.CharField(
        label="Presented by (optional)",
        max_length=200,
        required=False,
        help_text="Initials or name.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("number", field_width=3),
            Field.text("title", field_width=Fluid.TWO_THIRDS),
            Field.text("presenter", field_width=Fluid.ONE_THIRD),
            submit="Save agenda item",
        )


class MinuteForm(forms.Form):
    concern = _ConcernChoiceField(
        label="Concern discussed (optional)",
        queryset=Concern.objects.none(),
        required=False,
        empty_label="None: a general item",
    )
    text = forms.CharField(
        label="Minute",
        widget=forms.Textarea,
        error_messages={"required": "Enter what was said and agreed"},
    )

    def __init__(self, *args, board: Board, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["concern"].queryset = _concerns_of_area(board)
        self.helper = _helper(
            Field.select("concern"), Field.textarea("text", rows=10), submit="Save minute"
        )


class MeetingActionForm(forms.Form):
    description = forms.CharField(
        label="What will be done",
        widget=forms.Textarea,
        error_messages={"required": "Enter what will be done"},
    )
    owner = forms.CharField(
        label="Owner",
        max_length=200,
        help_text="Initials or names, as the minutes say.",
        error_messages={"required": "Enter who will do it"},
    )
    owner_member = forms.ModelChoiceField(
        label="Owner on the board (optional)", queryset=BoardMember.objects.none(), required=False
    )
    due_date = _date_field("Due date", required=False, help_text="For example, 26 5 2022")
    plan_action_ref = forms.CharField(
        label="Plan action it follows up (optional)",
        max_length=20,
        required=False,
        help_text="The action's reference in the plan, for example 1.1a.",
    )

    def __init__(self, *args, board: Board, **kwargs):
        super().__init__(*args, **kwargs)
        self.board = board
        self.fields["owner_member"].queryset = board.members.active()
        self.helper = _helper(
            Field.textarea("description", rows=3),
            Field.text("owner", field_width=Fluid.ONE_THIRD),
            Field.select("owner_member"),
            Field("due_date"),
            Field.text("plan_action_ref", field_width=10),
            submit="Add to the action log",
        )

    def clean_plan_action_ref(self):
        ref = self.cleaned_data["plan_action_ref"].strip()
        if not ref:
            return None
        action = board_actions(self.board).filter(ref__iexact=ref).first()
        if action is None:
            raise ValidationError("No action with this reference is overseen by this board")
        return action


class MeetingActionUpdateForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=MeetingActionStatus.choices)
    due_date = _date_field("Due date", required=False)
    meeting = forms.ModelChoiceField(
        label="Reviewed at (optional)", queryset=Meeting.objects.none(), required=False
    )
    note = forms.CharField(label="Note (optional)", widget=forms.Textarea, required=False)

    def __init__(self, *args, board: Board, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = Meeting.objects.for_board(board).order_by("-starts_at")
        self.helper = _helper(
            Field.radios("status", inline=True, legend_size=Size.SMALL),
            Field("due_date"),
            Field.select("meeting"),
            Field.textarea("note", rows=3),
            submit="Save",
        )


class ForwardPlanItemForm(forms.Form):
    title = forms.CharField(
        label="Item", max_length=300, error_messages={"required": "Enter the item"}
    )
    description = forms.CharField(
        label="More detail (optional)", widget=forms.Textarea, required=False
    )
    concern = _ConcernChoiceField(
        label="Concern (optional)",
        queryset=Concern.objects.none(),
        required=False,
        empty_label="None",
    )
    planned_for = forms.ModelChoiceField(
        label="Planned for (optional)",
        queryset=Meeting.objects.none(),
        required=False,
        empty_label="Not yet chosen",
    )
    status = forms.ChoiceField(
        label="Status", choices=ForwardPlanStatus.choices, initial=ForwardPlanStatus.PLANNED
    )

    def __init__(self, *args, board: Board, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["concern"].queryset = _concerns_of_area(board)
        self.fields["planned_for"].queryset = (
            Meeting.objects.for_board(board).not_cancelled().order_by("starts_at")
        )
        self.helper = _helper(
            Field.text("title", field_width=Fluid.TWO_THIRDS),
            Field.textarea("description", rows=3),
            Field.select("concern"),
            Field.select("planned_for"),
            Field.radios("status", inline=True, legend_size=Size.SMALL),
            submit="Save forward plan item",
        )


class IssuePackForm(forms.Form):
    note = forms.CharField(
        label="Why it is issued again (optional)",
        max_length=300,
        required=False,
        help_text="Earlier versions are kept.",
    )
