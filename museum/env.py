"""Read settings from environment variables and fail loudly on bad values."""

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_MISSING = object()


class Env:
    """Typed access to ``os.environ``; every parse error names the variable."""

    def __init__(self, environ: dict[str, str] | None = None) -> None:
        self.environ = os.environ if environ is None else environ

    def fail(self, name: str, problem: str) -> NoReturn:
        raise ImproperlyConfigured(f"Environment variable {name} {problem}.")

    def is_set(self, name: str) -> bool:
        return name in self.environ

    def _raw(self, name: str, default: Any, required: bool) -> Any:
        if name in self.environ:
            return self.environ[name].strip()
        if required:
            self.fail(name, "is required")
        return _MISSING if default is _MISSING else default

    def str(self, name: str, default: str = "", *, required: bool = False) -> str:
        return self._raw(name, default, required)

    def secret(self, name: str) -> str:
        """A secret from ``name``, or read from the file named by ``name``_FILE.

        Container platforms mount secrets as files (healthchecks' ``envsecret`` does the same).
        """
        file_name = f"{name}_FILE"
        if not self.str(file_name):
            return self.str(name)
        if self.str(name):
            self.fail(name, f"and {file_name} are both set: set only one of them")
        path = Path(self.str(file_name)).expanduser()
        try:
            value = path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            self.fail(file_name, f"names a file that cannot be read ({path}: {exc.strerror})")
        if not value:
            self.fail(file_name, f"names an empty file ({path})")
        return value

    def bool(self, name: str, default: bool) -> bool:
        value = self._raw(name, default, False)
        if isinstance(value, bool):
            return value
        if value.lower() in _TRUE:
            return True
        if value.lower() in _FALSE:
            return False
        self.fail(name, f"must be true or false, not {value!r}")

    def int(self, name: str, default: int, *, minimum: int = 0) -> int:
        value = self._raw(name, default, False)
        if isinstance(value, int):
            return value
        try:
            number = int(value.replace("_", ""))
        except ValueError:
            self.fail(name, f"must be a whole number, not {value!r}")
        if number < minimum:
            self.fail(name, f"must be at least {minimum}, not {number}")
        return number

    def list(self, name: str, default: Sequence[str]) -> list[str]:
        value = self._raw(name, _MISSING, False)
        if value is _MISSING:
            return list(default)
        return [item.strip() for item in value.split(",") if item.strip()]

    def path(self, name: str, default: Path) -> Path:
        value = self._raw(name, default, False)
        return Path(value).expanduser().resolve() if isinstance(value, str) else default

    def choice(self, name: str, default: str, choices: Sequence[str]) -> str:
        value = self._raw(name, default, False).lower()
        if value not in choices:
            self.fail(name, f"must be one of {', '.join(choices)}, not {value!r}")
        return value

    def database(self, name: str, default: str, *, parse: Callable[[str], dict]) -> dict:
        url = self._raw(name, default, False)
        try:
            return parse(url)
        except Exception as exc:  # dj-database-url raises several types for bad URLs
            self.fail(name, f"is not a database URL this museum can use ({exc})")
