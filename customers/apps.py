from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = "Customers and markets"

    def ready(self) -> None:
        from . import selectors  # noqa: F401  (registers its URL object scopes, accounts.permissions.object_scope)
