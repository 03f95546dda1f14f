"""ASGI entry point: HTTP through Django, WebSockets through channels."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from zhengtong.core.bounded import BoundedRequestsASGI, daphne_install  # noqa: E402
from zhengtong.queueing.routing import websocket_urlpatterns  # noqa: E402

# Size limits before a body is read (zhengtong/core/bounded.py); daphne, the
# embedded default, refuses at the socket too.
daphne_install()
application = BoundedRequestsASGI(
    ProtocolTypeRouter(
        {
            "http": django_asgi_app,
            "websocket": AllowedHostsOriginValidator(
                AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
            ),
        }
    )
)
