from django.urls import path

from . import views

app_name = "cancellations"

urlpatterns = [
    path("customers/<str:tenant_id>/software/cancel/", views.cancel, name="cancel"),
    path("support/", views.support_list, name="support_list"),
    path("support/new/", views.support_new, name="support_new"),
    path("support/<uuid:request_id>/", views.support_detail, name="support_detail"),
    path("support/<uuid:request_id>/attachments/<uuid:attachment_id>/", views.support_attachment,
         name="support_attachment"),
]
