# Multi-stage: build the virtualenv (PyICU compiles against ICU) in one stage, run as a
# non-root user in a slim one with only the ICU runtime library.
FROM python:3.11-slim-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential pkg-config libicu-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pyproject.toml README.md ./
COPY features features
COPY model model
COPY service service
# The runtime only: `.`, never `.[test]`. followthemoney requires `sqlalchemy[mypy]`, which brings
# the mypy type checker and its parts; nothing runs them, so they are removed.
RUN python -m venv /opt/venv \
 && /opt/venv/bin/pip install --no-cache-dir --upgrade pip==25.3 setuptools==84.2.1 \
 && /opt/venv/bin/pip install --no-cache-dir . \
 && /opt/venv/bin/pip uninstall --yes mypy mypy-extensions librt ast-serialize pathspec types-greenlet

FROM python:3.11-slim-bookworm
# The system Python's own setuptools and wheel (old in the base image) serve nothing here: the app
# runs from /opt/venv, with the setuptools pinned above.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libicu72 \
 && rm -rf /var/lib/apt/lists/* \
 && python -m pip uninstall --yes setuptools wheel \
 && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin app \
 && mkdir /data && chown app /data
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    DIVERSION_RISK_HOME=/data \
    PYTHONUNBUFFERED=1
USER app
VOLUME /data
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=120s \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=2)"
# The same gunicorn command as `make run`, listening on all interfaces of the container.
CMD ["diversion-risk", "serve", "--bind", "0.0.0.0:8000"]
