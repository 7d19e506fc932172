from django.urls import path

from . import views_orders

urlpatterns = [
    path("customers/<str:tenant_id>/add-products/", views_orders.add_products, name="add_products"),
    path("customers/<str:tenant_id>/orders/", views_orders.customer_orders, name="customer_orders"),
    path("customers/<str:tenant_id>/orders/<uuid:order_id>/", views_orders.order_detail, name="order_detail"),
    path("customers/<str:tenant_id>/orders/<uuid:order_id>/confirmation/", views_orders.order_confirmation,
         name="order_confirmation"),
]
