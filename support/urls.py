from django.urls import path

from . import views

app_name = "support"

urlpatterns = [
    path("support/", views.support_list, name="list"),
    path("support/new/", views.support_new, name="new"),
    path("support/<uuid:request_id>/", views.support_detail, name="detail"),
    path("support/<uuid:request_id>/attachments/<uuid:attachment_id>/", views.support_attachment,
         name="attachment"),
]
