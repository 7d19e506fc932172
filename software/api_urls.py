from django.urls import include, path

urlpatterns = [
    path("", include("software.api_urls_orders")),
    path("", include("software.api_urls_software")),
]
