"""`/`, the partner home at /dashboard/ (URL name `dashboard`) and the admin center's home (`admin_center:home`,
joined with software's admin-center routes into one namespace by config.urls)."""
from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.partner_home, name="dashboard"),
]

admin_center_urlpatterns = [
    path("admin-center/", views.admin_center_home, name="home"),
]
