from django.urls import include, path

from . import views_download

app_name = "software"
urlpatterns = [
    # The public download endpoint first: it is the busiest URL (bench B3), and URLs resolve in order.
    path("download/<str:token>/", views_download.download, name="download"),
    path("", include("software.urls_orders")),
    path("", include("software.urls_software")),
]
