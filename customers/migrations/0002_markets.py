from django.db import migrations


def load(apps, schema_editor):
    from customers.markets import markets_sync

    markets_sync(apps.get_model("customers", "Market"))


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
