"""Development settings: the embedded demo on one machine."""

from .base import *

DEBUG = env.bool("DEBUG", default=True)
STORAGES["staticfiles"] = {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# No SMS gateway on a development machine: show the code on the page too.
ACCOUNTS_SMS_CODE_ON_PAGE = env.bool("ACCOUNTS_SMS_CODE_ON_PAGE", default=True)
