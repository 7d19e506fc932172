from django.urls import path

from . import views

app_name = "activitylog"
urlpatterns = [
    path("settings/activity-log/", views.log, name="log"),
    path("settings/activity-log/export.csv", views.export, name="export"),
]
