"""The whole-area view, the board page and the board-level forms (members, forward plan)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import TemplateView

from governance import forms, selectors, services
from governance.models import ForwardPlanItem, MeetingAction
from governance.views.common import BoardMixin, GovernanceFormView
from wsoa.models import LocalArea
from wsoa.views import page_of

# --- Whole-area view and board page ------------------------------------------------------


BOARDS_PER_PAGE = 20


class BoardListView(TemplateView):
    """The boards of the user's areas, theirs first, a page at a time, searchable by board or
    area name, each with its summary: the whole-area view (and, for a national viewer, the
    country's, without loading every board at once)."""

    template_name = "governance/board_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        areas = LocalArea.objects.visible_to(self.request.user)
        if "area_pk" in self.kwargs:
            areas = areas.filter(pk=self.kwargs["area_pk"])
            if not areas.exists():
                raise Http404
        search = self.request.GET.get("q", "").strip()[:100]
        listed = selectors.with_board_list_data(
            selectors.boards_listed(self.request.user, areas, search=search)
        )
        page, page_query = page_of(self.request, listed, per_page=BOARDS_PER_PAGE)
        boards, levels = selectors.board_summaries(page.object_list)
        context.update(
            boards=boards,
            levels=levels,
            now=timezone.now(),
            page=page,
            search=search,
            page_query=page_query,
        )
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
