"""Software's pages: the public download endpoint, Add products and the order history, the customer's Software
tab. The admin center's routes are in `admin_center_urls`, the API's in `api_urls`."""
from django.urls import path

from . import views_download, views_orders, views_software

app_name = "software"
urlpatterns = [
    # The public download endpoint first: it is the busiest URL (bench B3), and URLs resolve in order.
    path("download/<str:token>/", views_download.download, name="download"),
    # Add products and the order history (D-ORD)
    path("customers/<str:tenant_id>/add-products/", views_orders.add_products, name="add_products"),
    path("customers/<str:tenant_id>/orders/", views_orders.customer_orders, name="customer_orders"),
    path("customers/<str:tenant_id>/orders/<uuid:order_id>/", views_orders.order_detail, name="order_detail"),
    path("customers/<str:tenant_id>/orders/<uuid:order_id>/confirmation/", views_orders.order_confirmation,
         name="order_confirmation"),
    # the Software tab (D-SW)
    path("customers/<str:tenant_id>/software/", views_software.customer_software, name="customer_software"),
    path("customers/<str:tenant_id>/software/<str:entitlement_id>/key/", views_software.reveal_key,
         name="reveal_key"),
    path("customers/<str:tenant_id>/software/<str:entitlement_id>/links/", views_software.issue_link,
         name="issue_link"),
    path("customers/<str:tenant_id>/software/<str:entitlement_id>/send/", views_software.send_link,
         name="send_link"),
]
