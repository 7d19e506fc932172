"""WSGI entry of the bare comparison server (B3): `gunicorn bench.bare_wsgi:application`."""
import os

from django.core.wsgi import get_wsgi_application

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.bare_settings"
application = get_wsgi_application()
