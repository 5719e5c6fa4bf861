import re

from django.conf import settings
from django.urls import reverse

# The service navigation: (label, URL name, the paths that belong to that section). The first
# section whose pattern matches the page's path is marked as the current one.
NAVIGATION = (
    ("KPIs", "kpi-index", re.compile(r"^/(kpis/|plans/\d+/kpis/|boards/\d+/kpis/)")),
    ("My actions", "my-actions", re.compile(r"^/my-actions/")),
    ("Boards", "board-list", re.compile(r"^/(boards/|areas/\d+/boards/|meetings/)")),
    ("Plans", "home", re.compile(r"^/($|plans/|evidence/)")),
)
ORDER = ("Plans", "My actions", "Boards", "KPIs")


def service(request):
    return {"service_name": settings.SERVICE_NAME}


def navigation(request):
    """The navigation items, in their order, each with `is_current` for the page shown."""
    path = request.path_info
    current = next((label for label, _, pattern in NAVIGATION if pattern.match(path)), None)
    urls = {label: name for label, name, _ in NAVIGATION}
    return {
        "navigation": [
            {"label": label, "url": reverse(urls[label]), "is_current": label == current}
            for label in ORDER
        ]
    }
