from django.urls import path

from . import views

app_name = "customers"
urlpatterns = [
    path("customers/", views.customer_list, name="list"),
    path("customers/new/", views.customer_new, name="create"),
    path("customers/<str:tenant_id>/", views.customer_detail, name="detail"),
]
