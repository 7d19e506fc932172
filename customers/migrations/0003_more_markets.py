from django.db import migrations


def load(apps, schema_editor):
    """Issue 16: add Microsoft's other CSP markets to databases that already ran 0002. Inserts only the
    missing rows; rows already there (rates changed in the admin included) are left as they are."""
    from customers.markets import markets_sync

    markets_sync(apps.get_model("customers", "Market"))


class Migration(migrations.Migration):
    dependencies = [("customers", "0002_markets")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
