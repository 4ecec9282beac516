# BigV Panel: one image for the web server, the Celery workers, beat and the demo simulator.
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    # The source tree in /app is what runs: it sits beside templates/ and static/, which
    # settings.py finds relative to the code (the installed copy only brings the pinned deps).
    PYTHONPATH=/app \
    PANEL_VAR_DIR=/data \
    PANEL_ENV=production

WORKDIR /app

# Dependencies first, so that a code change does not reinstall them.
COPY pyproject.toml README.md ./
COPY panel ./panel
RUN pip install .

COPY manage.py ./
COPY templates ./templates
COPY static ./static

# Hashed, compressed static files for WhiteNoise. Settings need their secrets to load; these
# throwaway values exist only in this RUN (the real ones come from .env at run time).
RUN DJANGO_SECRET_KEY=collectstatic-only \
    PANEL_CREDENTIAL_KEYS=Y29sbGVjdHN0YXRpYy1vbmx5LW5vdC1hLWtleS0wMDA= \
    PANEL_AUDIT_KEY=collectstatic-only \
    DJANGO_ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput

# A user without a login shell or write access to the code; /data (audit checkpoint, beat
# schedule, simulator state) is the only place it writes.
RUN useradd --system --user-group --uid 10001 --home-dir /app --shell /usr/sbin/nologin panel \
    && mkdir -p /data && chown panel:panel /data
USER panel

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=10s --start-period=20s --retries=3 \
    CMD ["python", "-m", "panel.runtime.probe"]
# --no-proxy-headers: the panel alone decides which X-Forwarded-For/-Proto to believe
# (PANEL_TRUSTED_PROXIES, panel.core.client_address); uvicorn must not rewrite the peer first.
# Web processes: uvicorn's WEB_CONCURRENCY; one per CPU and one more (see
# panel.runtime.stack.web_workers), 3 for the 2 CPUs the panel is sized for. Each accepts on
# a socket of its own (panel.runtime.web_server says why), with uvicorn's own options.
ENV WEB_CONCURRENCY=3
CMD ["python", "-m", "panel.runtime.web_server", "panel.asgi:application", \
     "--host", "0.0.0.0", "--port", "8000", "--no-proxy-headers", "--lifespan", "off"]
