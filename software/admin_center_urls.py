"""The customer admin center (D-M365): Billing > Your products > Software, for the tenant's Global admin.
config.urls joins these with home's admin-center home into the `admin_center` namespace."""
from django.urls import path

from . import views_software

urlpatterns = [
    path("admin-center/billing/software/", views_software.admin_center_software, name="software"),
    path("admin-center/billing/software/<str:entitlement_id>/key/", views_software.admin_center_key,
         name="software_key"),
    path("admin-center/billing/software/<str:entitlement_id>/links/", views_software.admin_center_link,
         name="software_link"),
]
