"""The action page and the forms that change an action: progress, sign-off, due date."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.decorators.http import require_safe
from django.views.generic import FormView, TemplateView

from actions import selectors, services
from actions.forms import CompletionDecisionForm, DueDateChangeForm, RecordProgressForm
from actions.models import Action, DueDateChange, Evidence, Milestone, StatusUpdate
from wsoa import permissions
from wsoa.selectors import attach_current_levels, levels_by_id
from wsoa.views import PlanMixin


class ActionMixin(PlanMixin):
    @cached_property
    def levels(self):
        return levels_by_id(self.plan)

    @cached_property
    def action(self) -> Action:
        queryset = (
            selectors.with_rating_shown(Action.objects.for_plan(self.plan).with_current_status())
            .select_related("concern", "outcome")
            .prefetch_related("leads__holder", "boards")
        )
        action = get_object_or_404(queryset, pk=self.kwargs["action_pk"])
        action.plan = self.plan
        selectors.attach_shown_ratings([action], self.levels)
        return action

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            action=self.action,
            levels=list(self.levels.values()),
            can_record_progress=permissions.can_record_progress(self.request.user, self.action),
        )
        return context


@dataclass
class TimelineEntry:
    when: object
    kind: str  # "update", "milestone_update" or "due_date"
    update: StatusUpdate | None = None
    previous_level: object = None
    change: DueDateChange | None = None
    milestone: Milestone | None = None


def action_timeline(action: Action) -> list[TimelineEntry]:
    """Every status update and due-date change of an action and of its milestones, newest
    first, each update with the rating its action or milestone moved from. Milestone updates
    are interleaved with the action's own, in the same order (by effective date, then when
    recorded): where an area rates milestones, not actions, they are its progress."""
    updates = list(
        StatusUpdate.objects.of_actions(Action.objects.filter(pk=action.pk))
        .select_related("level", "author", "corrects__level", "milestone")
        .prefetch_related("evidence")
        .order_by("effective_on", "recorded_at", "pk")
    )
    entries = []
    previous: dict[int | None, object] = {}  # the last level of the action (None) or milestone
    for update in updates:
        entries.append(
            TimelineEntry(
                when=update.recorded_at,
                kind="milestone_update" if update.milestone_id else "update",
                update=update,
                previous_level=previous.get(update.milestone_id),
                milestone=update.milestone,
            )
        )
        previous[update.milestone_id] = update.level
    changes = DueDateChange.objects.filter(action=action).select_related("changed_by")
    milestone_changes = DueDateChange.objects.filter(milestone__action=action).select_related(
        "changed_by", "milestone"
    )
    entries += [
        TimelineEntry(when=c.changed_at, kind="due_date", change=c)
        for c in [*changes, *milestone_changes]
    ]

    # Newest first by effective date for updates; due-date changes by when they were made.
    def sort_key(entry):
        if entry.update:
            return (entry.update.effective_on, entry.update.recorded_at, entry.update.pk)
        return (timezone.localdate(entry.change.changed_at), entry.change.changed_at, 0)

    return sorted(entries, key=sort_key, reverse=True)


class ActionDetailView(ActionMixin, TemplateView):
    template_name = "actions/action_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        milestones = list(Milestone.objects.filter(action=self.action).with_current_status())
        attach_current_levels(milestones, self.levels)
        context.update(
            milestones=milestones,
            timeline=action_timeline(self.action),
            can_decide=(
                self.action.is_completion_proposed
                and permissions.can_manage_plan(self.request.user, self.plan)
            ),
            today=timezone.localdate(),
        )
        return context


# Service error keys that belong to a differently named form field.
FIELD_FOR_ERROR = {"evidence": "evidence_file", "new_date": "new_date"}


def _apply_validation_error(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for key, field_errors in error.message_dict.items():
            field = FIELD_FOR_ERROR.get(key, key)
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error.messages)


class RecordProgressView(ActionMixin, FormView):
    template_name = "actions/record_progress.html"
    form_class = RecordProgressForm

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # Only the action's leads, the plan's programme leads and administrators get the form.
        permissions.require(permissions.can_record_progress(request.user, self.action))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["action"] = self.action
        return kwargs

    def get_initial(self):
        latest = services.last_recorded_update(self.action)
        return {"seen_update_id": latest.pk if latest else None}

    def form_valid(self, form):
        data = form.cleaned_data
        evidence = []
        if data["evidence_file"] or data["evidence_link"]:
            evidence.append(
                services.EvidenceInput(
                    file=data["evidence_file"],
                    link=data["evidence_link"],
                    description=data["evidence_description"],
                )
            )
        try:
            update = services.action_record_progress(
                user=self.request.user,
                action=self.action,
                level=data["level"],
                narrative=data["narrative"],
                effective_on=data["effective_on"],
                evidence=evidence,
                milestones_completed=list(data["milestones"]),
                seen_update_id=data["seen_update_id"],
                corrects=data["corrects"],
            )
        except services.StaleUpdateError as stale:
            return self.render_stale(form, stale)
        except ValidationError as error:
            _apply_validation_error(form, error)
            return self.form_invalid(form)
        if update.level and update.level.is_complete:
            messages.success(
                self.request,
                f"Completion of action {self.action.ref} proposed: a programme lead will sign "
                "it off.",
            )
        else:
            messages.success(self.request, f"Progress on action {self.action.ref} saved.")
        return redirect("action-detail", plan_pk=self.plan.pk, action_pk=self.action.pk)

    def render_stale(self, form, stale: services.StaleUpdateError):
        """Keep what the user typed, show what changed, and let them save again knowingly."""
        data = form.data.copy()
        data["seen_update_id"] = str(stale.newer[-1].pk) if stale.newer else ""
        fresh = self.get_form_class()(data=data, action=self.action)
        fresh.is_valid()
        context = self.get_context_data(
            form=fresh,
            stale_updates=stale.newer,
            lost_file=bool(form.cleaned_data.get("evidence_file")),
        )
        return self.render_to_response(context, status=409)


class SignOffView(ActionMixin, FormView):
    template_name = "actions/sign_off.html"
    form_class = CompletionDecisionForm

    def dispatch(self, request, *args, **kwargs):
        permissions.require(permissions.can_manage_plan(request.user, self.plan))
        if not self.action.is_completion_proposed:
            messages.info(request, f"Action {self.action.ref} has no completion to sign off.")
            return redirect("action-detail", plan_pk=self.plan.pk, action_pk=self.action.pk)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["proposal"] = (
            StatusUpdate.objects.filter(action=self.action)
            .select_related("author", "level")
            .prefetch_related("evidence")
            .latest_first()
            .first()
        )
        return context

    def form_valid(self, form):
        approve = form.cleaned_data["decision"] == "approve"
        try:
            services.action_decide_completion(
                user=self.request.user,
                action=self.action,
                approve=approve,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _apply_validation_error(form, error)
            return self.form_invalid(form)
        verb = "signed off as complete" if approve else "sent back"
        messages.success(self.request, f"Action {self.action.ref} {verb}.")
        return redirect("action-detail", plan_pk=self.plan.pk, action_pk=self.action.pk)


class ChangeDueDateView(ActionMixin, FormView):
    template_name = "actions/change_due_date.html"
    form_class = DueDateChangeForm

    def dispatch(self, request, *args, **kwargs):
        permissions.require(permissions.can_record_progress(request.user, self.action))
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            services.due_date_change(
                user=self.request.user,
                action=self.action,
                new_date=form.cleaned_data["new_date"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _apply_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Due date of action {self.action.ref} changed.")
        return redirect("action-detail", plan_pk=self.plan.pk, action_pk=self.action.pk)


@require_safe
def evidence_download(request: HttpRequest, evidence_pk: int) -> HttpResponse:
    """Evidence is served only to signed-in users who may see its plan, as its original name."""
    evidence = get_object_or_404(
        Evidence.objects.select_related("update__action__plan", "update__milestone__action__plan"),
        pk=evidence_pk,
    )
    action = evidence.update.action or evidence.update.milestone.action
    if not permissions.can_view_area(request.user, action.plan.area_id):
        raise Http404
    if not evidence.file:
        return redirect(evidence.link)
    return FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name or "evidence",
        content_type=evidence.content_type or "application/octet-stream",
    )


class PlanDetailView(PlanMixin, TemplateView):
    template_name = "wsoa/plan_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tree, levels = selectors.plan_tree(self.plan)
        all_actions = [a for node in tree for o in node.outcomes for a in o.actions]
        context.update(
            tree=tree,
            levels=levels,
            rating_summary=selectors.rating_counts(all_actions, levels),
            action_total=len(all_actions),
        )
        return context
