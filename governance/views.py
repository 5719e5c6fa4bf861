"""Governance pages: boards, meetings, the meeting dashboard, board packs, the whole-area view.

Views parse the request, check permissions (governance/permissions.py) and call one selector
or one service. Another area's board or meeting does not exist for the user (404); a user who
may read but not record gets 403 on any write.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import TemplateView

from governance import dashboard as dashboards
from governance import forms, packs, permissions, selectors, services
from governance.models import (
    AgendaItem,
    BoardPack,
    ForwardPlanItem,
    Meeting,
    MeetingAction,
    Minute,
    boards_with_chair,
)
from governance.presenters import present_dashboard
from wsoa import permissions as wsoa_permissions
from wsoa.models import Board, LocalArea

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# The live dashboard shows the first rows of each list (a chair reads it in two minutes);
# "Show all" and the board pack show every row.
DASHBOARD_LIST_LIMIT = 25


class BoardMixin:
    """Resolves the board (from `board_pk`, or from the meeting for meeting URLs) to one the
    user may see, else 404; refuses writes from users who may not record for it (403)."""

    @cached_property
    def meeting(self) -> Meeting | None:
        if "meeting_pk" not in self.kwargs:
            return None
        queryset = Meeting.objects.select_related("board", "board__area").filter(
            board__in=Board.objects.visible_to(self.request.user)
        )
        return get_object_or_404(queryset, pk=self.kwargs["meeting_pk"])

    @cached_property
    def board(self) -> Board:
        board_pk = self.meeting.board_id if self.meeting else self.kwargs["board_pk"]
        queryset = boards_with_chair(Board.objects.visible_to(self.request.user))
        board = get_object_or_404(queryset, pk=board_pk)
        if self.meeting:
            self.meeting.board = board
        return board

    @cached_property
    def can_record(self) -> bool:
        return permissions.can_record_for_board(self.request.user, self.board)

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        self.board  # noqa: B018 - resolve now so a hidden board is 404 before any 403
        if request.method not in SAFE_METHODS:
            wsoa_permissions.require(self.can_record)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(board=self.board, meeting=self.meeting, can_record=self.can_record)
        return context


# --- Whole-area view and board page ------------------------------------------------------


class BoardListView(TemplateView):
    """Every board of the user's areas, with its summary: the whole-area view."""

    template_name = "governance/board_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        areas = LocalArea.objects.visible_to(self.request.user)
        if "area_pk" in self.kwargs:
            areas = areas.filter(pk=self.kwargs["area_pk"])
            if not areas.exists():
                raise Http404
        boards, levels = selectors.area_board_summaries(areas)
        context.update(boards=boards, levels=levels, now=timezone.now())
        return context


class BoardDetailView(BoardMixin, TemplateView):
    template_name = "governance/board_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        board = self.board
        today = timezone.localdate()
        context.update(
            members=board.members.select_related("organisation", "user"),
            meetings=selectors.board_page_meetings(board),
            action_log=MeetingAction.objects.for_board(board)
            .open_on(today)
            .with_list_related_data(),
            forward_plan=board.forward_plan.planned().select_related("concern", "planned_for"),
            concerns=board.concerns.select_related("plan").order_by("plan_id", "number"),
            today=today,
        )
        return context


# --- Forms -------------------------------------------------------------------------------


class GovernanceFormView(BoardMixin, TemplateView):
    """GET shows the form; POST validates it and calls `save()` (one service), turning a
    ValidationError into form errors shown in the GOV.UK error summary."""

    template_name = "governance/form.html"
    form_class = None
    title = ""
    success_message = ""

    def get_form_kwargs(self) -> dict:
        return {}

    def get_initial(self) -> dict:
        return {}

    def get_form(self, data=None):
        return self.form_class(data, initial=self.get_initial(), **self.get_form_kwargs())

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.get_form()))

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST)
        if form.is_valid():
            try:
                target = self.save(form)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, self.success_message)
                return redirect(target)
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(title=self.get_title(), back_url=self.get_back_url())
        return context

    def get_title(self) -> str:
        return self.title

    def get_back_url(self) -> str:
        if self.meeting:
            return reverse("meeting-detail", args=[self.meeting.pk])
        return reverse("board-detail", args=[self.board.pk])

    def save(self, form) -> str:
        raise NotImplementedError


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


class BoardMemberFormView(GovernanceFormView):
    form_class = forms.BoardMemberForm
    success_message = "Member saved"

    @cached_property
    def member(self):
        if "member_pk" not in self.kwargs:
            return None
        return get_object_or_404(self.board.members, pk=self.kwargs["member_pk"])

    def get_title(self):
        return f"Change {self.member.name}" if self.member else "Add a member"

    def get_form_kwargs(self):
        return {"board": self.board}

    def get_initial(self):
        if not self.member:
            return {"is_active": True}
        m = self.member
        return {
            "name": m.name,
            "initials": m.initials,
            "post": m.post,
            "organisation": m.organisation_id,
            "user": m.user_id,
            "is_chair": m.is_chair,
            "is_active": m.is_active,
        }

    def save(self, form):
        data = dict(form.cleaned_data)
        data["member_user"] = data.pop("user")
        if self.member:
            services.board_member_update(user=self.request.user, member=self.member, **data)
        else:
            services.board_member_add(user=self.request.user, board=self.board, **data)
        return reverse("board-detail", args=[self.board.pk])


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


class ForwardPlanItemFormView(GovernanceFormView):
    form_class = forms.ForwardPlanItemForm
    success_message = "Forward plan saved"

    @cached_property
    def item(self):
        if "item_pk" not in self.kwargs:
            return None
        return get_object_or_404(ForwardPlanItem, board=self.board, pk=self.kwargs["item_pk"])

    def get_title(self):
        return "Change a forward plan item" if self.item else "Add to the forward plan"

    def get_form_kwargs(self):
        return {"board": self.board}

    def get_initial(self):
        if not self.item:
            return {}
        i = self.item
        return {
            "title": i.title,
            "description": i.description,
            "concern": i.concern_id,
            "planned_for": i.planned_for_id,
            "status": i.status,
        }

    def save(self, form):
        data = form.cleaned_data
        if self.item:
            services.forward_plan_item_update(user=self.request.user, item=self.item, **data)
        else:
            data.pop("status")
            services.forward_plan_item_add(user=self.request.user, board=self.board, **data)
        return reverse("board-detail", args=[self.board.pk]) + "#forward-plan"


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


def parse_as_at(request: HttpRequest) -> tuple[datetime.date | None, str]:
    """`?as_at=YYYY-MM-DD` → (date, "") or (None, an error message)."""
    raw = request.GET.get("as_at", "").strip()
    if not raw:
        return None, ""
    try:
        return datetime.date.fromisoformat(raw), ""
    except ValueError:
        return None, "Enter the date as year-month-day, for example 2022-03-22"


class MeetingDashboardView(BoardMixin, TemplateView):
    """The meeting dashboard, as at the meeting (or today for an upcoming one) or any date."""

    template_name = "governance/meeting_dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        as_at, as_at_error = parse_as_at(self.request)
        show_all = self.request.GET.get("show") == "all"
        dashboard = present_dashboard(
            dashboards.meeting_dashboard(self.meeting, as_at=as_at),
            live=True,
            limit=None if show_all else DASHBOARD_LIST_LIMIT,
        )
        query = self.request.GET.copy()
        query["show"] = "all"
        context.update(
            show_all_url="" if show_all else f"?{query.urlencode()}",
            dash=dashboard,
            dash_levels=dashboard["display_levels"],
            as_at_error=as_at_error,
            as_at_value=self.request.GET.get("as_at", ""),
            packs=selectors.packs_for(self.meeting),
            link_cells=True,
        )
        return context


# --- Board packs -------------------------------------------------------------------------


class IssuePackView(BoardMixin, View):
    def post(self, request, *args, **kwargs):
        form = forms.IssuePackForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        pack = services.board_pack_issue(user=request.user, meeting=self.meeting, note=note)
        messages.success(request, f"Board pack version {pack.version} issued")
        return redirect("board-pack", meeting_pk=self.meeting.pk, version=pack.version)


class PackMixin(BoardMixin):
    @cached_property
    def pack(self) -> BoardPack:
        return get_object_or_404(
            BoardPack.objects.select_related("issued_by"),
            meeting=self.meeting,
            version=self.kwargs["version"],
        )


class PackView(PackMixin, TemplateView):
    """The issued pack as a print-friendly page."""

    template_name = "governance/pack.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(packs.pack_context(self.pack))
        context["crumb"] = f"Board pack version {self.pack.version}"
        context["versions"] = selectors.packs_for(self.meeting)
        return context


class PackPdfView(PackMixin, View):
    def get(self, request, *args, **kwargs):
        pdf = packs.render_pdf(self.pack, base_url=request.build_absolute_uri("/"))
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{packs.filename(self.pack)}.pdf"'
        return response


class PackXlsxView(PackMixin, View):
    def get(self, request, *args, **kwargs):
        content = packs.render_xlsx(self.pack)
        response = HttpResponse(
            content,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{packs.filename(self.pack)}.xlsx"'
        return response
