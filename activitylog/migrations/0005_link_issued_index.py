"""The index that finds the record of a link's creation by link id (the Activity log names who issued the link
of each download: activitylog.selectors.link_issuers).

Built CONCURRENTLY on PostgreSQL, so counted downloads keep writing their records while it builds (seconds
over millions of records); hence a non-atomic migration. A plain CREATE INDEX elsewhere (SQLite)."""

import django.db.models.fields.json
from django.db import migrations, models


class AddIndexConcurrentlyOnPostgres(migrations.AddIndex):
    """AddIndex (same state change), without locking out writes on PostgreSQL."""

    @staticmethod
    def _options(schema_editor) -> dict:
        return {"concurrently": True} if schema_editor.connection.vendor == "postgresql" else {}

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.add_index(model, self.index, **self._options(schema_editor))

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.remove_index(model, self.index, **self._options(schema_editor))


class Migration(migrations.Migration):

    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [
        ('activitylog', '0004_no_single_column_fk_indexes'),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name='activityrecord',
            index=models.Index(django.db.models.fields.json.KeyTextTransform('LinkId', 'details'),
                               condition=models.Q(('operation_type', 'get_software_download_link')),
                               name='activity_link_issued'),
        ),
    ]
