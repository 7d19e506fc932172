"""Support requests now live in the `support` app, in the same tables (support 0001 takes them over): state only."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('cancellations', '0002_reminder'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name='SupportAttachment'),
                migrations.DeleteModel(name='SupportRequest'),
            ],
        ),
    ]
