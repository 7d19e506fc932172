from django.apps import AppConfig


class SoftwareConfig(AppConfig):
    name = "software"
    verbose_name = "Software: catalog, orders, keys and downloads"
