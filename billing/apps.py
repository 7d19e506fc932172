from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = "Billing"

    def ready(self) -> None:
        from partnercenter.dbguards import reinstall_after_migrate

        from .dbguards import GUARDS

        reinstall_after_migrate(self, GUARDS)

        from . import selectors  # noqa: F401  (registers its URL object scopes, accounts.permissions.object_scope)
