from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class SoftwareConfig(AppConfig):
    name = "software"
    verbose_name = "Software: catalog, orders, keys and downloads"

    def ready(self) -> None:
        from . import selectors  # noqa: F401  (registers its URL object scopes, accounts.permissions.object_scope)
        from .downloads import catalogue_cache_clear
        from .models import Offer, SoftwareFile, Variant

        # The download path caches catalogue rows per process; a change made in this process is seen at once.
        for model in (Offer, SoftwareFile, Variant):
            post_save.connect(catalogue_cache_clear, sender=model,
                              dispatch_uid=f"catalogue-cache-save-{model.__name__}")
            post_delete.connect(catalogue_cache_clear, sender=model,
                                dispatch_uid=f"catalogue-cache-delete-{model.__name__}")
