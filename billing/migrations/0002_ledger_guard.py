from django.db import migrations


def install(apps, schema_editor):
    from partnercenter.dbguards import install as install_guards

    from billing.dbguards import GUARDS

    install_guards(schema_editor.connection, GUARDS)


def uninstall(apps, schema_editor):
    from partnercenter.dbguards import uninstall as uninstall_guards

    from billing.dbguards import GUARDS

    uninstall_guards(schema_editor.connection, GUARDS)


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]
    operations = [migrations.RunPython(install, uninstall)]
