from django.urls import path

from . import apis_software

urlpatterns = [
    path("customers/<str:tenant_id>/entitlements", apis_software.EntitlementListApi.as_view(),
         name="entitlements"),
    path("customers/<str:tenant_id>/entitlements/<str:entitlement_id>/productkey",
         apis_software.ProductKeyApi.as_view(), name="entitlement_productkey"),
    path("customers/<str:tenant_id>/entitlements/<str:entitlement_id>/downloadlinks",
         apis_software.DownloadLinkApi.as_view(), name="entitlement_downloadlinks"),
]
