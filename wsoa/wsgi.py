"""WSGI entry point (gunicorn wsoa.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wsoa.settings.production")

application = get_wsgi_application()
