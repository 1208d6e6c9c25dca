#!/usr/bin/env python
"""Django's command-line utility for the Silk Road virtual museum."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "museum.settings")
    if sys.argv[1:2] == ["inspect_scan"]:
        # A one-shot pipeline run: its sandbox's fork server imports the pipeline (about a
        # second) on the other core while this process starts Django (about as long).
        from heritage_sites.processing.sandbox import sandbox_start

        sandbox_start()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
