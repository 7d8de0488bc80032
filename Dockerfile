# Dockerfile - the Souk application image (souk-fcgi + souk-admin) on Debian 12.
#
# NOT RUN IN THIS PROJECT'S CI: its machines have no Docker engine. It builds with the
# same Debian package list as ./souk (DEB_BUILD / DEB_RUN there); keep the two in step.
FROM debian:12 AS build
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential autoconf automake pkgconf \
      libfcgi-dev libpq-dev libhiredis-dev libcjson-dev libjwt-dev libcurl4-openssl-dev \
      libssl-dev libargon2-dev libcunit1-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN autoreconf -fi && ./configure --prefix=/usr --datadir=/usr/share && make -j"$(nproc)" \
    && make check && make install DESTDIR=/out

FROM debian:12
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libfcgi0ldbl libpq5 libhiredis0.14 libcjson1 libjwt0 libcurl4 libssl3 libargon2-1 \
      ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --gid 101 nginx-peers \
    && useradd --system --user-group --no-create-home --shell /usr/sbin/nologin souk \
    && mkdir -p /run/souk /var/lib/souk/storage && chown souk:souk /run/souk /var/lib/souk/storage
COPY --from=build /out/ /
ENV SOUK_ENV=production \
    SOUK_SOCKET=/run/souk/souk.sock \
    SOUK_PIDFILE=/run/souk/souk-fcgi.pid \
    SOUK_SCOREBOARD=/run/souk/souk-fcgi.scoreboard \
    SOUK_USER=souk \
    SOUK_SOCKET_GROUP=nginx-peers \
    SOUK_SCHEMA_DIR=/usr/share/souk/schema \
    SOUK_SEED_DIR=/usr/share/souk/seed \
    SOUK_STORAGE_DIR=/var/lib/souk/storage \
    SOUK_CATALOG_VERSION_FILE=/run/souk/catalog.version
# the master starts as root to bind the socket, then drops to SOUK_USER
CMD ["/bin/sh", "-c", "souk-admin migrate && exec souk-fcgi"]
