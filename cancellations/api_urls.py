"""Included before software's API routes: this view takes over an order's route to add PATCH."""
from django.urls import path

from . import apis

urlpatterns = [
    path("customers/<str:tenant_id>/orders/<str:order_id>", apis.OrderCancelApi.as_view(),
         name="customer_order_cancel"),
]
