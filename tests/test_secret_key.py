"""Every installation signs with its own key; production never starts without one."""

import multiprocessing
import stat

import pytest
from django.core import signing
from django.core.exceptions import ImproperlyConfigured

from museum.env import Env
from museum.secret_key import KEY_FILE_NAME, installation_secret_key
from tests.factories import ScanFactory
from tests.test_deployment import PRODUCTION, manage

# The key the embedded default used to fall back to, committed in the repository until it was
# replaced by a key per installation. Anyone could sign links with it.
OLD_COMMITTED_KEY = "embedded-default-insecure-key-set-DJANGO_SECRET_KEY-in-production"


@pytest.fixture
def data_dir(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    return folder


PRINT_KEY = [
    "shell",
    "--no-imports",
    "-c",
    "from django.conf import settings; print(settings.SECRET_KEY)",
]


def test_two_fresh_data_folders_get_different_keys(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = installation_secret_key(tmp_path / "a")
    second = installation_secret_key(tmp_path / "b")
    assert first != second
    assert len(first) >= 50 and len(second) >= 50


def test_the_key_is_kept_and_read_again_at_the_next_start(data_dir):
    key = installation_secret_key(data_dir)
    assert installation_secret_key(data_dir) == key
    assert (data_dir / KEY_FILE_NAME).read_text().strip() == key


def test_the_key_file_is_readable_by_its_owner_only(data_dir):
    installation_secret_key(data_dir)
    mode = stat.S_IMODE((data_dir / KEY_FILE_NAME).stat().st_mode)
    assert mode == 0o600, oct(mode)
    # No temporary file is left beside it.
    assert [path.name for path in data_dir.iterdir()] == [KEY_FILE_NAME]


def test_processes_starting_together_agree_on_one_key(data_dir):
    context = multiprocessing.get_context("spawn")
    with context.Pool(6) as pool:
        keys = pool.map(installation_secret_key, [data_dir] * 24)
    assert len(set(keys)) == 1
    assert keys[0] == (data_dir / KEY_FILE_NAME).read_text().strip()


def test_a_damaged_key_file_stops_the_start_with_what_to_do(data_dir):
    (data_dir / KEY_FILE_NAME).write_text("short\n")
    with pytest.raises(ImproperlyConfigured, match="Delete it"):
        installation_secret_key(data_dir)


def test_the_embedded_default_starts_with_the_key_of_its_data_folder(tmp_path):
    first = manage(*PRINT_KEY, env={"MUSEUM_DATA_DIR": str(tmp_path / "one")})
    again = manage(*PRINT_KEY, env={"MUSEUM_DATA_DIR": str(tmp_path / "one")})
    other = manage(*PRINT_KEY, env={"MUSEUM_DATA_DIR": str(tmp_path / "two")})
    assert first.returncode == 0, first.stderr
    key = first.stdout.strip()
    assert key == (tmp_path / "one" / KEY_FILE_NAME).read_text().strip()
    assert again.stdout.strip() == key
    assert other.stdout.strip() not in {key, ""}
    assert OLD_COMMITTED_KEY not in {key, other.stdout.strip()}


@pytest.mark.django_db
def test_a_link_signed_with_the_old_committed_key_is_refused(client):
    scan = ScanFactory()
    forged = signing.dumps(
        {"scan": str(scan.public_id)}, key=OLD_COMMITTED_KEY, salt="heritage_sites.originals"
    )
    response = client.get(f"/originals/{forged}/")
    assert response.status_code == 404
    # The same link signed with this installation's key works: the refusal is the key's.
    genuine = signing.dumps({"scan": str(scan.public_id)}, salt="heritage_sites.originals")
    assert client.get(f"/originals/{genuine}/").status_code == 200


def test_the_committed_key_is_gone_from_the_code():
    from tests.test_deployment import ROOT

    for source in [*(ROOT / "museum").rglob("*.py"), *(ROOT / "heritage_sites").rglob("*.py")]:
        assert OLD_COMMITTED_KEY not in source.read_text(), source


def test_production_takes_its_key_from_a_file(tmp_path):
    secret = tmp_path / "django_secret_key"
    secret.write_text("f" * 30 + "-mounted-by-the-container-platform-9Zp4\n")
    env = {**PRODUCTION, "MUSEUM_DATA_DIR": str(tmp_path / "data")}
    del env["DJANGO_SECRET_KEY"]
    done = manage(*PRINT_KEY, env={**env, "DJANGO_SECRET_KEY_FILE": str(secret)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == secret.read_text().strip()
    assert not (tmp_path / "data" / KEY_FILE_NAME).exists()


def test_check_deploy_is_clean_with_the_key_in_a_file(tmp_path):
    secret = tmp_path / "django_secret_key"
    secret.write_text("g" * 30 + "-mounted-by-the-container-platform-3Wq8\n")
    env = {**PRODUCTION, "MUSEUM_DATA_DIR": str(tmp_path), "DJANGO_SECRET_KEY_FILE": str(secret)}
    del env["DJANGO_SECRET_KEY"]
    done = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert done.returncode == 0, done.stderr
    assert "System check identified no issues" in done.stdout


def test_production_without_a_key_names_both_ways_to_give_one(tmp_path):
    env = {**PRODUCTION, "MUSEUM_DATA_DIR": str(tmp_path)}
    del env["DJANGO_SECRET_KEY"]
    done = manage("check", env=env)
    assert done.returncode != 0
    assert "DJANGO_SECRET_KEY must be set when DJANGO_ALLOWED_HOSTS is set" in done.stderr
    assert "DJANGO_SECRET_KEY_FILE" in done.stderr
    assert not (tmp_path / KEY_FILE_NAME).exists()


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"DJANGO_SECRET_KEY_FILE": "/nonexistent/key"}, "names a file that cannot be read"),
        ({"DJANGO_SECRET_KEY_FILE": "EMPTY"}, "names an empty file"),
        (
            {"DJANGO_SECRET_KEY_FILE": "EMPTY", "DJANGO_SECRET_KEY": "x" * 60},
            "are both set: set only one of them",
        ),
    ],
)
def test_a_bad_key_file_is_refused_with_a_message(tmp_path, environ, message):
    empty = tmp_path / "empty"
    empty.write_text("\n")
    environ = {name: str(empty) if value == "EMPTY" else value for name, value in environ.items()}
    with pytest.raises(ImproperlyConfigured, match=message):
        Env(environ).secret("DJANGO_SECRET_KEY")
