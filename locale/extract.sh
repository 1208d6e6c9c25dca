#!/usr/bin/env bash
# Extract the visitor pages' messages into OUT/django.pot (needs GNU gettext's xgettext).
# Update a catalog with: msgmerge -U locale/ar/LC_MESSAGES/django.po OUT/django.pot
# Only the pages' own code and templates are read: the admin and the API are not translated
# through these catalogs, except a few messages added to them by hand (the admin's access
# requests, the refusals of World Heritage imports). They are not in this template: msgmerge
# marks them obsolete, so bring them back after a merge.
set -euo pipefail
out="${1:?usage: locale/extract.sh OUTDIR}"
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/heritage_sites" "$work/locale" "$out"
cp -r "$root/heritage_sites/pages" "$root/heritage_sites/templates" "$root/heritage_sites/templatetags" "$work/heritage_sites/"
# The media view's own message is not shown to visitors.
rm -f "$work/heritage_sites/pages/media_files.py"
cd "$work"
PYTHONPATH="$root" DJANGO_SETTINGS_MODULE=museum.settings "${PYTHON:-python3}" -m django \
    makemessages -l xx --keep-pot --no-location --no-wrap -v 0
cp "$work/locale/django.pot" "$out/django.pot"
