"""One order of the API: GET (software's order detail) and PATCH {"status": "cancelled"} (D-CAN-9)."""
from django.urls import path

from software.api_urls import ORDER_ROUTE

from . import apis

urlpatterns = [
    path(ORDER_ROUTE, apis.OrderCancelApi.as_view(), name="customer_order"),
]
