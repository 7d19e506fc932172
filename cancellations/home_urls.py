"""The partner home at /dashboard/ (URL name `dashboard`, no namespace: base.html links to it)."""
from django.urls import path

from . import home

urlpatterns = [path("dashboard/", home.home, name="dashboard")]
