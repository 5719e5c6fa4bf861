"""Nothing large is read before it is refused.

A request whose declared body (Content-Length) is larger than MAX_REQUEST_BYTES is answered
with 413 and a plain page before Django reads any of it; each upload form then applies its
own, smaller limit to the file (plans, meetings, KPI files: 5 MB; evidence: 10 MB). Django's
own DATA_UPLOAD_MAX_MEMORY_SIZE and DATA_UPLOAD_MAX_NUMBER_FIELDS bound the non-file fields.
In production the reverse proxy should apply the same limit (docs/security.md).
"""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.MAX_REQUEST_BYTES
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > limit:
            response = render(
                request,
                "413.html",
                {"size": filesizeformat(declared), "limit": filesizeformat(limit)},
                status=413,
            )
            response["Connection"] = "close"  # the rest of the body is never read
            return response
        return self.get_response(request)
