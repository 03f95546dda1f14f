"""Development settings: the embedded demo on one machine."""

from .base import *

DEBUG = env.bool("DEBUG", default=True)
STORAGES["staticfiles"] = {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
