from django.urls import path

from . import apis

urlpatterns = [
    path("customers", apis.CustomerListApi.as_view(), name="customers"),
    path("customers/<str:tenant_id>", apis.CustomerDetailApi.as_view(), name="customer"),
]
