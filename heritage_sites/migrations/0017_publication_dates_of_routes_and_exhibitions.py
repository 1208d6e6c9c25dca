"""Routes and exhibitions published before they joined the workflow (0012) have no
``published_at``: tombstones and citations then say nothing of when they were published.

A published one is dated by its last change (as 0009 dated the sites and artefacts: the best
trace of its publication that is left); a withdrawn one by its creation, which is earlier than
its withdrawal (its last change). Each filled record gets a history entry, so its history shows
the date and the next edit does not appear to have set it.
"""

from django.db import migrations
from django.utils import timezone

REASON = "publication date filled in (published before the workflow)"


def fill_publication_dates(apps, schema_editor):
    now = timezone.now()
    for name in ("Route", "Exhibition"):
        model = apps.get_model("heritage_sites", name)
        history = apps.get_model("heritage_sites", f"Historical{name}")
        copied = [
            field.attname
            for field in history._meta.concrete_fields
            if not field.name.startswith("history_")
        ]
        undated = model.objects.filter(
            state__in=["published", "withdrawn"], published_at__isnull=True
        )
        for record in undated.iterator():
            published = record.updated_at if record.state == "published" else record.created_at
            # update(), not save(): updated_at stays the record's own last change.
            model.objects.filter(pk=record.pk).update(published_at=published)
            record.published_at = published
            history.objects.create(
                **{attname: getattr(record, attname) for attname in copied},
                history_date=now,
                history_type="~",
                history_change_reason=REASON,
                history_user=None,
            )


class Migration(migrations.Migration):
    dependencies = [
        ("heritage_sites", "0016_import_jobs_of_the_world_heritage_list"),
    ]

    operations = [
        # Backwards: nothing to undo that anyone needs (the dates stay, as after 0009).
        migrations.RunPython(fill_publication_dates, migrations.RunPython.noop),
    ]
