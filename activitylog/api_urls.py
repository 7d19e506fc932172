from django.urls import path

from . import apis

urlpatterns = [
    path("auditrecords", apis.AuditRecordListApi.as_view(), name="auditrecords"),
]
