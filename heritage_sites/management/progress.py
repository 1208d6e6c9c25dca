"""A progress bar for the import commands, drawn on a terminal only (a pipe or a log gets the
summary alone)."""

from __future__ import annotations

from collections.abc import Callable

from django.core.management.base import OutputWrapper

WIDTH = 30


def progress_bar(stream: OutputWrapper) -> Callable[[int, int], None]:
    """``show(done, total)``, redrawing one line of ``stream`` while it is a terminal."""

    def show(done: int, total: int) -> None:
        if not stream.isatty():
            return
        filled = WIDTH * done // max(total, 1)
        ending = "\n" if done >= total else ""
        # Plain, not in the error colour the command gives its standard error.
        stream.write(
            f"\r[{'#' * filled}{'.' * (WIDTH - filled)}] {done}/{total}",
            style_func=lambda text: text,
            ending=ending,
        )
        stream.flush()

    return show
