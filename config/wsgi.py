"""WSGI entry point (the ASGI one in asgi.py is the default server)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")
from zhengtong.core.bounded import BoundedRequestsWSGI

# Size limits before a body is read (zhengtong/core/bounded.py).
application = BoundedRequestsWSGI(get_wsgi_application())
