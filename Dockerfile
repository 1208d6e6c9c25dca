# The museum's application image: the web process (gunicorn), the Celery worker and beat all
# run from it with different commands (see docker-compose.yml).
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_LINK_MODE=copy \
    UV_COMPILE_BYTECODE=1 \
    PATH="/app/.venv/bin:${PATH}"

RUN python -m pip install --no-cache-dir uv \
    && groupadd --system museum \
    && useradd --system --gid museum --home-dir /app --shell /usr/sbin/nologin museum

WORKDIR /app

# Dependencies first, from the lock file only, so code changes do not rebuild this layer.
COPY pyproject.toml uv.lock .python-version ./
RUN uv sync --frozen --no-dev --no-install-project

COPY . .
RUN uv sync --frozen --no-dev \
    # gltfpack (npm, WebAssembly) is installed now: the running image has no registry access.
    && python -c "from heritage_sites.processing.derivatives.gltfpack import gltfpack_command; gltfpack_command()" \
    # The pages' browser libraries (npm ci, Node.js from PyPI) and compiled catalogs.
    && python manage.py build_frontend \
    # Static files with hashed names for whitenoise; the S3 variables only select the
    # production storage classes, nothing is contacted. A throwaway data folder: the secret
    # key made there must not ship in the image (each installation makes or gets its own).
    && STORAGE_BACKEND=s3 S3_BUCKET=build DJANGO_STATIC_ROOT=/app/staticfiles STATIC_USE_FINDERS=false \
       MUSEUM_DATA_DIR=/tmp/build-data python manage.py collectstatic --noinput \
    && rm -rf /tmp/build-data \
    && mkdir -p /app/var /app/media /app/secrets \
    && chown -R museum:museum /app/var /app/media /app/secrets \
    && chmod 700 /app/secrets

ENV DJANGO_STATIC_ROOT=/app/staticfiles \
    STATIC_USE_FINDERS=false \
    MUSEUM_DATA_DIR=/app/var

USER museum
EXPOSE 8000
CMD ["gunicorn", "-c", "gunicorn.conf.py"]
