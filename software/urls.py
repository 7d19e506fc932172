from django.urls import include, path

app_name = "software"
urlpatterns = [
    path("", include("software.urls_orders")),
    path("", include("software.urls_software")),
]
