"""Issuing numbered board packs that are never changed."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from governance.dashboard import default_as_at, meeting_dashboard
from governance.models import BoardPack, Meeting
from governance.services.common import _user_or_none
from governance.snapshot import to_json, with_pack
from governance.tasks import render_pack_pdf

# --- Board packs -------------------------------------------------------------------------


@transaction.atomic
def board_pack_issue(
    *,
    user,
    meeting: Meeting,
    as_at: datetime.date | None = None,
    note: str = "",
    now: datetime.datetime | None = None,
) -> BoardPack:
    """Freeze the dashboard for a meeting as it is at this moment: the next version number;
    earlier versions are kept unchanged. The snapshot is stored as
    `governance.snapshot.to_json` writes it (the current schema version) and read back only
    through `read_snapshot`."""
    now = now or timezone.now()
    as_at = as_at or default_as_at(meeting, today=timezone.localtime(now).date())
    # Lock the meeting row so two issues at once cannot take the same version number.
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
    version = (meeting.packs.aggregate(v=Max("version"))["v"] or 0) + 1
    snapshot = with_pack(
        meeting_dashboard(meeting, as_at=as_at, known_by=now, now=now),
        version=version,
        issued_at=now,
        issued_by=str(user) if user is not None else "",
        note=note,
    )
    pack = BoardPack(
        meeting=meeting,
        version=version,
        issued_at=now,
        issued_by=_user_or_none(user),
        as_at=as_at,
        note=note,
        snapshot=to_json(snapshot),
    )
    pack.full_clean()
    pack.save()
    # Draw the PDF in the background once the pack is committed: downloads then serve the
    # stored file (governance.tasks).
    transaction.on_commit(lambda: render_pack_pdf.enqueue(pack.pk))
    return pack
