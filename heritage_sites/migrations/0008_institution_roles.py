# Roles per institution: the plain Institution.curators many-to-many becomes InstitutionRole,
# on the same table, with a role column. Everyone listed before stays a curator.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("heritage_sites", "0007_exhibitions_and_journeys"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="InstitutionRole",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "institution",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                to="heritage_sites.institution",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "heritage_sites_institution_curators",
                        "verbose_name": "role in an institution",
                    },
                ),
                migrations.AlterField(
                    model_name="institution",
                    name="curators",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="institutions",
                        through="heritage_sites.InstitutionRole",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="institutionrole",
            name="role",
            field=models.CharField(
                choices=[
                    ("curator", "Curator"),
                    ("reviewer", "Reviewer"),
                    ("administrator", "Administrator"),
                ],
                default="curator",
                max_length=16,
            ),
        ),
    ]
