"""Support requests move here from cancellations with their tables kept (cancellations 0003 drops them from
its state): state only, no DDL; the content types follow so that granted permissions and admin history stay."""

import django.db.models.deletion
import django.utils.timezone
import uuid
from django.conf import settings
from django.db import migrations, models


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in ("supportrequest", "supportattachment"):
        if not ContentType.objects.filter(app_label="support", model=model).exists():
            ContentType.objects.filter(app_label="cancellations", model=model).update(app_label="support")


def restore_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in ("supportrequest", "supportattachment"):
        if not ContentType.objects.filter(app_label="cancellations", model=model).exists():
            ContentType.objects.filter(app_label="support", model=model).update(app_label="cancellations")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0001_initial'),
        ('cancellations', '0003_support_requests_moved_to_support'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='SupportRequest',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('number', models.CharField(max_length=20, unique=True)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('status', models.CharField(choices=[('open', 'Awaiting answer'), ('answered', 'Answered'), ('closed', 'Closed')], default='open', max_length=20)),
                        ('problem_type', models.CharField(choices=[('csp_purchase_refund', 'CSP Purchase/Refund on behalf of customers'), ('billing', 'Billing and invoices'), ('software_downloads', 'Software keys and downloads'), ('account', 'Account and sign-in'), ('other', 'Other')], max_length=40, verbose_name='type of problem')),
                        ('impact', models.CharField(choices=[('low', 'Low – minimal business impact'), ('moderate', 'Moderate – some work is blocked'), ('high', 'High – critical work is blocked')], max_length=20, verbose_name='impact')),
                        ('title', models.CharField(max_length=200, verbose_name='title')),
                        ('customer_reference', models.CharField(blank=True, max_length=253, verbose_name='customer tenant GUID or domain name')),
                        ('order_reference', models.CharField(blank=True, max_length=100, verbose_name='order ID or subscription ID')),
                        ('refund_reason', models.TextField(blank=True, max_length=4000, verbose_name='refund reason')),
                        ('amount_requested', models.CharField(blank=True, max_length=40, verbose_name='amount requested')),
                        ('description', models.TextField(max_length=8000, verbose_name='description')),
                        ('contact_name', models.CharField(max_length=200, verbose_name='name')),
                        ('contact_email', models.EmailField(max_length=254, verbose_name='email address')),
                        ('contact_phone', models.CharField(max_length=40, verbose_name='phone number')),
                        ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('partner', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.partner')),
                    ],
                    options={
                        'db_table': 'cancellations_supportrequest',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='SupportAttachment',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('original_name', models.CharField(max_length=200)),
                        ('stored_name', models.CharField(max_length=100, unique=True)),
                        ('content_type', models.CharField(max_length=100)),
                        ('size', models.PositiveIntegerField()),
                        ('sha256', models.CharField(max_length=64)),
                        ('request', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attachments', to='support.supportrequest')),
                    ],
                    options={
                        'db_table': 'cancellations_supportattachment',
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types, restore_content_types),
    ]
