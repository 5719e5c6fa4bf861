"""The meeting page and recording a meeting: details, attendance, agenda, minutes, actions."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.generic import TemplateView

from governance import forms, selectors, services
from governance.models import AgendaItem, MeetingAction, Minute
from governance.views.common import BoardMixin, GovernanceFormView

# --- Meeting page and dashboard ----------------------------------------------------------


class MeetingDetailView(BoardMixin, TemplateView):
    template_name = "governance/meeting_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meeting = self.meeting
        agenda = meeting.agenda_items.prefetch_related("minutes", "minutes__concern")
        attendance = list(meeting.attendance.select_related("member", "member__organisation"))
        context.update(
            agenda=agenda,
            present=[a for a in attendance if a.status == "present"],
            apologies=[a for a in attendance if a.status == "apologies"],
            absent=[a for a in attendance if a.status == "absent"],
            guests=[a for a in attendance if a.status == "in_attendance"],
            raised=meeting.actions_raised.with_list_related_data(),
            forward_plan=meeting.forward_plan_items.select_related("concern"),
            packs=selectors.packs_for(meeting),
        )
        return context


class MeetingFormView(GovernanceFormView):
    form_class = forms.MeetingForm
    success_message = "Meeting saved"

    def get_title(self):
        return "Change the meeting" if self.meeting else "Add a meeting"

    def get_initial(self):
        return forms.MeetingForm.initial_for(self.meeting) if self.meeting else {}

    def save(self, form):
        data = form.cleaned_data
        fields = {
            "starts_at": data["starts_at"],
            "ends_at": data["ends_at"],
            "location": data["location"],
            "is_virtual": data["is_virtual"],
            "status": data["status"],
            "notes": data["notes"],
        }
        if self.meeting:
            meeting = services.meeting_update(
                user=self.request.user, meeting=self.meeting, **fields
            )
        else:
            meeting = services.meeting_create(user=self.request.user, board=self.board, **fields)
        return reverse("meeting-detail", args=[meeting.pk])


class AttendanceFormView(GovernanceFormView):
    form_class = forms.AttendanceForm
    title = "Record attendance"
    success_message = "Attendance saved"

    @cached_property
    def members(self):
        recorded = {a.member_id for a in self.meeting.attendance.all() if a.member_id}
        return [
            m
            for m in self.board.members.select_related("organisation")
            if m.is_active or m.pk in recorded
        ]

    def get_form_kwargs(self):
        return {"members": self.members}

    def get_initial(self):
        initial = {}
        guests = []
        for record in self.meeting.attendance.all():
            if record.member_id:
                initial[f"member_{record.member_id}"] = record.status
            else:
                org = f", {record.organisation_name}" if record.organisation_name else ""
                guests.append(f"{record.name}{org}")
        initial["guests"] = "\n".join(guests)
        return initial

    def save(self, form):
        services.meeting_record_attendance(
            user=self.request.user,
            meeting=self.meeting,
            statuses=form.statuses(),
            guests=form.guest_list(),
        )
        return reverse("meeting-detail", args=[self.meeting.pk])


class AgendaItemFormView(GovernanceFormView):
    form_class = forms.AgendaItemForm
    success_message = "Agenda item saved"

    @cached_property
    def item(self):
        if "item_pk" not in self.kwargs:
            return None
        return get_object_or_404(AgendaItem, meeting=self.meeting, pk=self.kwargs["item_pk"])

    def get_title(self):
        return f"Change item {self.item.number}" if self.item else "Add an agenda item"

    def get_initial(self):
        if not self.item:
            return {}
        return {
            "number": self.item.number,
            "title": self.item.title,
            "presenter": self.item.presenter,
        }

    def save(self, form):
        data = form.cleaned_data
        if self.item:
            if data["number"] is None:
                data["number"] = self.item.number
            services.agenda_item_update(user=self.request.user, item=self.item, **data)
        else:
            services.agenda_item_add(user=self.request.user, meeting=self.meeting, **data)
        return reverse("meeting-detail", args=[self.meeting.pk]) + "#agenda"


class MinuteFormView(GovernanceFormView):
    form_class = forms.MinuteForm
    success_message = "Minute saved"

    @cached_property
    def item(self):
        return get_object_or_404(AgendaItem, meeting=self.meeting, pk=self.kwargs["item_pk"])

    @cached_property
    def minute(self):
        if "minute_pk" not in self.kwargs:
            return None
        return get_object_or_404(Minute, agenda_item=self.item, pk=self.kwargs["minute_pk"])

    def get_title(self):
        verb = "Change a minute" if self.minute else "Add a minute"
        return f"{verb}: item {self.item.number}, {self.item.title}"

    def get_form_kwargs(self):
        return {"board": self.board}

    def get_initial(self):
        if not self.minute:
            return {}
        return {"concern": self.minute.concern_id, "text": self.minute.text}

    def save(self, form):
        data = form.cleaned_data
        if self.minute:
            services.minute_update(user=self.request.user, minute=self.minute, **data)
        else:
            services.minute_add(user=self.request.user, agenda_item=self.item, **data)
        return reverse("meeting-detail", args=[self.meeting.pk]) + f"#item-{self.item.number}"


class MeetingActionFormView(GovernanceFormView):
    form_class = forms.MeetingActionForm
    title = "Add to the action log"
    success_message = "Action added to the log"

    def get_form_kwargs(self):
        return {"board": self.board}

    def save(self, form):
        data = form.cleaned_data
        services.meeting_action_add(
            user=self.request.user,
            meeting=self.meeting,
            description=data["description"],
            owner=data["owner"],
            owner_member=data["owner_member"],
            due_date=data["due_date"],
            plan_action=data["plan_action_ref"],
        )
        return reverse("meeting-detail", args=[self.meeting.pk]) + "#action-log"


class MeetingActionUpdateView(GovernanceFormView):
    form_class = forms.MeetingActionUpdateForm
    success_message = "Action log updated"

    @cached_property
    def item(self):
        return get_object_or_404(
            MeetingAction.objects.select_related("raised_at"),
            board=self.board,
            pk=self.kwargs["action_pk"],
        )

    def get_title(self):
        return f"Update action {self.item.ref}"

    def get_form_kwargs(self):
        return {"board": self.board}

    def get_initial(self):
        return {"status": self.item.status, "due_date": self.item.due_date}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["lead"] = f"{self.item.ref}: {self.item.description} (owner: {self.item.owner})"
        context["history"] = self.item.updates.select_related("changed_by", "meeting")
        return context

    def save(self, form):
        data = form.cleaned_data
        services.meeting_action_update(
            user=self.request.user,
            item=self.item,
            status=data["status"],
            note=data["note"],
            due_date=data["due_date"],
            meeting=data["meeting"],
        )
        return reverse("board-detail", args=[self.board.pk]) + "#action-log"
