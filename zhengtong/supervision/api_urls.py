"""/api/v1/supervision/…: clocks, orders and breaches, the monthly bulletin."""

from . import apis_bulletin, apis_clocks, apis_orders

urlpatterns = [
    *apis_clocks.urlpatterns,
    *apis_orders.urlpatterns,
    *apis_bulletin.urlpatterns,
]
