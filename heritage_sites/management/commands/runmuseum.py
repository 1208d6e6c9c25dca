"""Serve the whole museum on one machine: migrate, load the demo, start a worker, serve."""

import signal

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from museum.embedded import ADMIN_USERNAME, Worker, admin_ensure

DEFAULT_ADDRPORT = "127.0.0.1:8000"


def _interrupt(signum, frame):
    # SIGTERM ends the museum the way Ctrl-C does, so the worker is stopped on the way out.
    # Further signals are ignored: a second Ctrl-C (or a SIGINT forwarded by a wrapper such as
    # uv) must not cut the clean-up short and leave the worker behind. Stopping it is bounded.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = (
        "Run the museum with its demo content: migrate the database, load the demo, make sure "
        "an admin account exists, start a Celery worker and serve on 127.0.0.1:8000."
    )
    requires_migrations_checks = False

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--addrport", default=DEFAULT_ADDRPORT, help=f"Where to listen ({DEFAULT_ADDRPORT})."
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Do not start a Celery worker (scans then wait in the queue).",
        )
        parser.add_argument("--no-demo", action="store_true", help="Do not load the demo content.")

    def handle(self, *args, **options) -> None:
        addrport = options["addrport"]
        self.stdout.write("Preparing the database...")
        call_command("migrate", interactive=False, verbosity=0)
        # The pages' browser libraries and catalogs (npm ci only the first time).
        call_command("build_frontend", stdout=self.stdout, stderr=self.stderr)
        if not options["no_demo"]:
            call_command("load_demo", stdout=self.stdout, stderr=self.stderr)
        password = admin_ensure()
        worker = None if options["no_worker"] else Worker()
        previous = {sig: signal.signal(sig, _interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
        interrupted = False
        try:
            if worker is not None:
                pid = worker.start()
                self.stdout.write(f"Celery worker started (pid {pid}).")
            self._banner(addrport, password, worker is not None)
            call_command(
                "runserver",
                addrport,
                use_reloader=False,
                skip_checks=True,
                shutdown_message="Stopping the museum...",
            )
        except KeyboardInterrupt:
            interrupted = True
            self.stdout.write("Stopping the museum...")
        except SystemExit:
            # runserver turns the interrupt into sys.exit(0).
            interrupted = True
            raise
        finally:
            for sig in previous:
                signal.signal(sig, signal.SIG_IGN)
            if worker is not None:
                worker.stop()
                self.stdout.write("Worker stopped.")
            if not interrupted:
                for sig, handler in previous.items():
                    signal.signal(sig, handler)
            # After an interrupt the signals stay ignored until the process ends, so a second
            # Ctrl-C during shutdown cannot turn a clean exit into a crash.

    def _banner(self, addrport: str, password: str | None, with_worker: bool) -> None:
        host, _, port = addrport.rpartition(":")
        url = f"http://{host or '127.0.0.1'}:{port}/"
        database = settings.DATABASES["default"]
        lines = [
            "",
            self.style.SUCCESS(f"The Silk Road Virtual Museum is at {url}"),
            f"  Curators' admin: {url}admin/",
        ]
        if password is not None:
            lines.append(
                f"  Admin login: {ADMIN_USERNAME} / {password}  (shown once: note it now; "
                "only its hash is stored)"
            )
        else:
            lines.append(
                f"  Admin login: the account '{ADMIN_USERNAME}' already exists. Forgot the "
                f"password? Run: python manage.py changepassword {ADMIN_USERNAME}"
            )
        lines += [
            "  Data lives in:",
            f"    database      {database['ENGINE'].rsplit('.', 1)[-1]}: {database['NAME']}",
            f"    uploads       {settings.MEDIA_ROOT}",
            f"    task queue    {settings.CELERY_BROKER_URL}"
            + (
                f" ({settings.CELERY_BROKER_FOLDER})"
                if settings.CELERY_BROKER_URL.startswith("filesystem")
                else ""
            ),
            "  Background worker: "
            + ("running beside the server" if with_worker else "not started (--no-worker)"),
            "  Stop with Ctrl-C.",
            "",
        ]
        self.stdout.write("\n".join(lines))
        self.stdout.flush()
