from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = "Support requests"

    def ready(self) -> None:
        from . import selectors  # noqa: F401  (registers its URL object scopes, accounts.permissions.object_scope)
