"""Background work of governance: drawing an issued pack's PDF once and keeping it.

Run by Django's Tasks framework (the django-tasks backport): at once in the embedded default,
by `manage.py db_worker` in a deployment (docs/operations.md).
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from django_tasks import task

from governance import packs
from governance.models import BoardPack


def pack_pdf_store(pack: BoardPack) -> BoardPack:
    """Draw the pack's PDF from its snapshot and keep it in the file store (once: a pack
    already drawn is left as it is)."""
    if pack.pdf:
        return pack
    content = packs.render_pdf(pack, base_url=settings.SITE_URL)
    pack.pdf.save(f"{packs.filename(pack)}.pdf", ContentFile(content), save=False)
    pack.pdf_rendered_at = timezone.now()
    pack.save(update_fields=["pdf", "pdf_rendered_at"])
    return pack


@task()
def render_pack_pdf(pack_id: int) -> None:
    pack_pdf_store(BoardPack.objects.select_related("meeting__board").get(pk=pack_id))
