from django.db import migrations, models

HELP = "Whether the file is in the public storage now (its subject is published)."


class Migration(migrations.Migration):
    dependencies = [
        ("heritage_sites", "0003_api_site_stewards_and_search"),
    ]

    operations = [
        # Every existing derivative was written to the public storage: say so, then new rows
        # default to private. `manage.py derivatives_sync_visibility` moves the drafts' files.
        migrations.AddField(
            model_name="derivative",
            name="is_public",
            field=models.BooleanField(default=True, help_text=HELP),
        ),
        migrations.AlterField(
            model_name="derivative",
            name="is_public",
            field=models.BooleanField(default=False, help_text=HELP),
        ),
    ]
