"""The portal's URLs plus `bench-bare/<slot>/`: a bare Django view doing one UPDATE … RETURNING (B3)."""
from django.db import connection
from django.http import HttpResponse
from django.urls import path

from accounts.permissions import PUBLIC, requires
from config.urls import urlpatterns as portal_urlpatterns


@requires(PUBLIC)
def bare(request, slot: int):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE bench_counter SET n = n + 1 WHERE id = %s RETURNING n", [slot])
        row = cursor.fetchone()
    return HttpResponse(str(row[0]) if row else "0", content_type="text/plain")


urlpatterns = [path("bench-bare/<int:slot>/", bare), *portal_urlpatterns]
