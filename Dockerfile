# One image for the four ARS processes: regions, dealers, advisors and the gateway.
# The default command runs the gateway; docker-compose.yml overrides it for each service.

FROM python:3.11-slim AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /src
COPY pyproject.toml constraints.txt ./
COPY chassis ./chassis
COPY services ./services
COPY gateway ./gateway
RUN pip install -c constraints.txt .


FROM python:3.11-slim

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1

RUN groupadd --system --gid 10001 ars \
    && useradd --system --uid 10001 --gid ars --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin ars

COPY --from=build /opt/venv /opt/venv

# The source is also the working directory, which `python -m` and uvicorn put first on
# sys.path: the processes run exactly this build context's files, Alembic trees and OpenAPI
# contracts included, whatever the wheel's package data happens to list.
WORKDIR /app
COPY --chown=ars:ars chassis ./chassis
COPY --chown=ars:ars services ./services
COPY --chown=ars:ars gateway ./gateway
# SQLite fallback directory; unused on PostgreSQL but must be writable by the app user.
RUN mkdir var && chown ars:ars var

USER ars

EXPOSE 8000 8001 8002 8003

# --no-proxy-headers: the gateway decides the client address itself, believing X-Forwarded-For
# only from the proxies in GATEWAY_TRUSTED_PROXIES (none by default).
CMD ["uvicorn", "--factory", "gateway.app:create_app", "--host", "0.0.0.0", "--port", "8000", \
     "--loop", "uvloop", "--http", "httptools", "--no-access-log", "--no-proxy-headers"]
