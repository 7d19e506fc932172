"""The customer admin center (D-M365): Billing > Your products > Software, for the tenant's Global admin."""
from django.urls import path

from . import views_software

app_name = "admin_center"
urlpatterns = [
    path("admin-center/", views_software.admin_center_home, name="home"),
    path("admin-center/billing/software/", views_software.admin_center_software, name="software"),
    path("admin-center/billing/software/<str:entitlement_id>/key/", views_software.admin_center_key,
         name="software_key"),
    path("admin-center/billing/software/<str:entitlement_id>/links/", views_software.admin_center_link,
         name="software_link"),
]
