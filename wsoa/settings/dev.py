"""Local development: SQLite, debug on, a throwaway secret."""

import warnings

from wsoa.settings.base import *  # noqa: F403
from wsoa.settings.base import env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Static files come from the finders in development; there is no collected STATIC_ROOT.
warnings.filterwarnings("ignore", message="No directory at", module="whitenoise.base")
