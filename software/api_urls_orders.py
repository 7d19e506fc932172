from django.urls import path

from . import apis_orders

urlpatterns = [
    path("offers", apis_orders.OfferListApi.as_view(), name="offers"),
    path("customers/<str:tenant_id>/orders", apis_orders.OrderListApi.as_view(), name="customer_orders"),
    path("customers/<str:tenant_id>/orders/<str:order_id>", apis_orders.OrderDetailApi.as_view(),
         name="customer_order"),
]
