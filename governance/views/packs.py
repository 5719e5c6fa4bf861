"""Issuing board packs and showing them as a page, a PDF and a spreadsheet."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import TemplateView

from governance import forms, packs, selectors, services
from governance.models import BoardPack
from governance.tasks import pack_pdf_store
from governance.views.common import BoardMixin

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
    """The stored PDF (drawn once, when the pack was issued); drawn now if the background
    work has not done it yet, and kept for the next download."""

    def get(self, request, *args, **kwargs):
        pack = pack_pdf_store(self.pack)
        with pack.pdf.open("rb") as stored:
            response = HttpResponse(stored.read(), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{packs.filename(pack)}.pdf"'
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
