from django.urls import path

from . import views

app_name = "cancellations"

urlpatterns = [
    path("customers/<str:tenant_id>/software/cancel/", views.cancel, name="cancel"),
]
