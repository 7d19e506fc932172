"""Software's API under /v1/ (docs/API.md "Offers", "Orders", "Entitlements").

One order (`ORDER_ROUTE`) is not routed here: cancellations serves it, GET as software's `OrderDetailApi` plus
PATCH to cancel, so each route has exactly one view (tests/test_urls.py checks that no two overlap)."""
from django.urls import path

from . import apis_orders, apis_software

ORDER_ROUTE = "customers/<str:tenant_id>/orders/<str:order_id>"

urlpatterns = [
    path("offers", apis_orders.OfferListApi.as_view(), name="offers"),
    path("customers/<str:tenant_id>/orders", apis_orders.OrderListApi.as_view(), name="customer_orders"),
    path("customers/<str:tenant_id>/entitlements", apis_software.EntitlementListApi.as_view(),
         name="entitlements"),
    path("customers/<str:tenant_id>/entitlements/<str:entitlement_id>/productkey",
         apis_software.ProductKeyApi.as_view(), name="entitlement_productkey"),
    path("customers/<str:tenant_id>/entitlements/<str:entitlement_id>/downloadlinks",
         apis_software.DownloadLinkApi.as_view(), name="entitlement_downloadlinks"),
]
