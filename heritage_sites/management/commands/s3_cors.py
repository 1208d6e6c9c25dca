"""Set the S3 bucket's CORS rules so browser apps on other origins can load derivatives."""

from django.core.management.base import BaseCommand, CommandError

from heritage_sites.storage import s3


class Command(BaseCommand):
    help = "Let browser apps on any origin read derivative files (GET/HEAD, byte ranges)."

    def handle(self, *args, **options):
        if not s3.is_enabled():
            raise CommandError(
                "STORAGE_BACKEND is not s3: the embedded default serves files with CORS itself."
            )
        rules = s3.bucket_cors_apply()
        self.stdout.write(f"CORS set on bucket {s3.bucket_name()}: {len(rules)} rule(s).")
