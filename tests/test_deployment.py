"""The production configuration: compose file, image recipe, `check --deploy`, static files."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

# What a production deployment sets (docker-compose.yml sets the same, with TLS off locally).
PRODUCTION = {
    "DJANGO_SECRET_KEY": "k" * 20 + "-production-like-secret-with-enough-entropy-7Hq2",
    "DJANGO_ALLOWED_HOSTS": "museum.example.org",
    "DJANGO_SECURE": "true",
    "DATABASE_URL": "postgres://museum:secret@db.internal:5432/museum",
    "CELERY_BROKER_URL": "redis://redis.internal:6379/0",
    "STORAGE_BACKEND": "s3",
    "S3_BUCKET": "museum",
    "S3_ENDPOINT_URL": "https://s3.example.org",
    "CORS_ALLOWED_ORIGINS": "https://museum.example.org",
    "MUSEUM_EMAIL_HOST": "smtp.internal",
}


def manage(*args: str, env: dict[str, str], cwd: Path = ROOT) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "S3_"))}
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env={**clean, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_check_deploy_is_clean_with_production_variables(tmp_path):
    done = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={**PRODUCTION, "MUSEUM_DATA_DIR": str(tmp_path)},
    )
    print(done.stdout, done.stderr)
    assert done.returncode == 0, done.stderr
    assert "System check identified no issues" in done.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {**PRODUCTION, "MUSEUM_DATA_DIR": str(tmp_path)}
    del env["DJANGO_SECRET_KEY"]
    done = manage("check", env=env)
    assert done.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in done.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("CELERY_BROKER_URL", "kafka://broker:9092", "must be a redis://, amqp://"),
        ("S3_ENDPOINT_URL", "s3.example.org", "must start with http:// or https://"),
        ("CACHE_REDIS_URL", "memcached://cache:11211", "must start with redis://"),
        ("SCAN_LEASE_SECONDS", "soon", "must be a whole number"),
        ("STORAGE_BACKEND", "ftp", "must be one of local, s3"),
    ],
)
def test_a_bad_value_stops_the_start_with_a_message_naming_it(tmp_path, name, value, message):
    done = manage("check", env={**PRODUCTION, "MUSEUM_DATA_DIR": str(tmp_path), name: value})
    assert done.returncode != 0
    assert name in done.stderr and message in done.stderr


def test_collectstatic_builds_the_manifest_the_image_serves(tmp_path):
    # The same command the Dockerfile runs: whitenoise's manifest storage must accept every
    # static file the apps ship.
    done = manage(
        "collectstatic",
        "--noinput",
        env={
            "STORAGE_BACKEND": "s3",
            "S3_BUCKET": "build",
            "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
            "STATIC_USE_FINDERS": "false",
            "MUSEUM_DATA_DIR": str(tmp_path),
        },
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "static" / "staticfiles.json").exists()
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "STATIC_USE_FINDERS=false MUSEUM_DATA_DIR=/tmp/build-data" in " ".join(
        dockerfile.replace("\\\n", " ").split()
    ), "the image collects with the manifest storage it serves with"


def test_the_compose_file_is_valid_against_the_compose_specification():
    done = subprocess.run(
        [
            str(BIN / "check-jsonschema"),
            "--builtin-schema",
            "vendor.compose-spec",
            str(ROOT / "docker-compose.yml"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    print(done.stdout, done.stderr)
    assert done.returncode == 0, done.stdout + done.stderr


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_runs_every_part_of_the_production_stack_with_health_checks():
    services = compose()["services"]
    for name in ("postgres", "redis", "minio", "web", "worker", "maintenance", "beat"):
        assert name in services, name
        assert "healthcheck" in services[name], f"{name} has no health check"
    assert services["web"]["command"][0] == "gunicorn"
    assert services["worker"]["command"][:4] == ["celery", "-A", "museum", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "museum", "beat"]
    # Scans and the reaper on separate workers: long scans never delay the reaper.
    assert "--queues=scans" in services["worker"]["command"]
    assert "--queues=maintenance" in services["maintenance"]["command"]
    for name in ("postgres", "redis", "minio"):
        assert services[name]["volumes"], f"{name} keeps its data in a volume"


def test_compose_creates_the_bucket_then_migrates_and_loads_the_demo_before_serving():
    services = compose()["services"]
    bucket = " ".join(services["create-bucket"]["command"])
    assert "mc mb --ignore-existing museum/museum" in bucket
    assert "mc anonymous set download museum/museum/public" in bucket
    migrate = " ".join(services["migrate"]["command"])
    assert "migrate --noinput" in migrate and "load_demo" in migrate
    assert services["migrate"]["depends_on"]["create-bucket"]["condition"] == (
        "service_completed_successfully"
    )
    for name in ("web", "worker", "maintenance", "beat"):
        assert services[name]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        )


def test_compose_points_every_app_process_at_the_same_services():
    services = compose()["services"]
    for name in ("migrate", "web", "worker", "maintenance", "beat"):
        env = services[name]["environment"]
        assert env["STORAGE_BACKEND"] == "s3" and env["S3_ENDPOINT_URL"] == "http://minio:9000"
        assert env["CELERY_BROKER_URL"].startswith("redis://redis:6379/")
        assert (
            env["DATABASE_URL"].startswith("postgres://")
            and "@postgres:5432/" in env["DATABASE_URL"]
        )
    redis = services["redis"]["command"]
    assert "noeviction" in redis, "queued scans must never be evicted"


def test_compose_writes_no_secret_key_and_makes_one_per_installation():
    text = (ROOT / "docker-compose.yml").read_text()
    assert "DJANGO_SECRET_KEY:" not in text, "a key written in the compose file is shared by all"
    services = compose()["services"]
    maker = services["secret-key"]
    assert "installation_secret_key" in " ".join(maker["command"])
    assert "museum-secrets:/app/secrets" in maker["volumes"]
    assert services["migrate"]["depends_on"]["secret-key"]["condition"] == (
        "service_completed_successfully"
    )
    for name in ("migrate", "web", "worker", "maintenance", "beat"):
        assert services[name]["environment"]["DJANGO_SECRET_KEY_FILE"] == "/app/secrets/secret_key"
        assert "museum-secrets:/app/secrets:ro" in services[name]["volumes"], name


def test_the_image_installs_from_the_lock_runs_as_a_user_and_collects_static_files():
    recipe = (ROOT / "Dockerfile").read_text()
    assert recipe.startswith("#") and "FROM python:3.12-slim" in recipe
    assert "uv sync --frozen --no-dev" in recipe
    assert "collectstatic --noinput" in recipe
    # The build's settings run in a throwaway data folder: no secret key ships in the image.
    assert "MUSEUM_DATA_DIR=/tmp/build-data python manage.py collectstatic" in recipe
    assert "rm -rf /tmp/build-data" in recipe
    assert "\nUSER museum\n" in recipe
    assert 'CMD ["gunicorn", "-c", "gunicorn.conf.py"]' in recipe


def test_gunicorn_accepts_its_configuration():
    done = subprocess.run(
        [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "--check-config"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


def test_the_readme_documents_every_environment_variable():
    import re

    sources = [ROOT / "museum" / "settings.py", ROOT / "gunicorn.conf.py"]
    read = set()
    for source in sources:
        text = source.read_text()
        read |= set(
            re.findall(r"env\.(?:str|bool|int|list|path|choice|database)\(\s*\"(\w+)\"", text)
        )
        # A secret is read from its variable or from the file named by <variable>_FILE.
        for name in re.findall(r"env\.secret\(\s*\"(\w+)\"", text):
            read |= {name, f"{name}_FILE"}
        read |= set(re.findall(r"environ\.get\(\"(\w+)\"", text))
    assert {"DATABASE_URL", "CELERY_BROKER_URL", "S3_BUCKET", "GUNICORN_WORKERS"} <= read
    assert {"DJANGO_SECRET_KEY", "DJANGO_SECRET_KEY_FILE"} <= read
    readme = (ROOT / "README.md").read_text()
    section = readme.split("### Environment variables", 1)[1]
    missing = sorted(name for name in read if f"| `{name}` |" not in section)
    assert not missing, f"README's environment table lacks {missing}"
