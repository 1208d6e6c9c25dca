"""Build the browser libraries and the translation catalogs the visitor pages need."""

from django.core.management.base import BaseCommand, CommandError

from heritage_sites.pages import build


class Command(BaseCommand):
    help = (
        "Install frontend/ from its npm lock file when needed (Node.js from PyPI), copy the "
        "browser libraries into frontend/build/ (served as static/vendor/) and compile the "
        "gettext catalogs of locale/. Does nothing when everything is up to date."
    )
    requires_system_checks = []

    def add_arguments(self, parser) -> None:
        parser.add_argument("--force", action="store_true", help="Reinstall and rebuild all.")

    def handle(self, *args, **options) -> None:
        try:
            result = build.build(force=options["force"])
        except build.FrontendBuildError as exc:
            raise CommandError(str(exc)) from exc
        done = []
        if result.installed:
            done.append("installed the npm packages")
        if result.copied:
            done.append(f"built {build.BUILD_DIR.relative_to(build.ROOT)}/")
        if result.catalogs:
            done.append("compiled the catalogs of " + ", ".join(result.catalogs))
        self.stdout.write(("Front end: " + "; ".join(done)) if done else "Front end up to date.")
