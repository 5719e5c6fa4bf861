"""Shared view plumbing: resolving the board or meeting with its permissions, and forms."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.generic import TemplateView

from governance import permissions
from governance.models import Meeting, boards_with_chair
from wsoa import permissions as wsoa_permissions
from wsoa.models import Board

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


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
