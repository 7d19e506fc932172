from django.urls import path

from . import views_software

urlpatterns = [
    path("customers/<str:tenant_id>/software/", views_software.customer_software, name="customer_software"),
    path("customers/<str:tenant_id>/software/<str:entitlement_id>/key/", views_software.reveal_key,
         name="reveal_key"),
    path("customers/<str:tenant_id>/software/<str:entitlement_id>/links/", views_software.issue_link,
         name="issue_link"),
    path("customers/<str:tenant_id>/software/<str:entitlement_id>/send/", views_software.send_link,
         name="send_link"),
]
