# Dockerfile - the Souk application image (souk-fcgi, souk-admin, souk-jobs, souk-mailer) on
# Debian 12.
#
# NOT RUN IN THIS PROJECT'S CI: its machines have no Docker engine. Both stages install
# from the one package list in ./souk (`./souk packages build` and `./souk packages
# image`), so the image cannot drift from what ./souk up and CI install.
FROM debian:12 AS build
WORKDIR /src
COPY souk ./
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      $(bash ./souk packages build) \
    && rm -rf /var/lib/apt/lists/*
COPY . .
RUN autoreconf -fi && ./configure --prefix=/usr --datadir=/usr/share && make -j"$(nproc)" \
    && make check && make install DESTDIR=/out

FROM debian:12
COPY souk /tmp/souk
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      $(bash /tmp/souk packages image) \
    && rm -rf /var/lib/apt/lists/* /tmp/souk \
    && groupadd --gid 101 nginx-peers \
    && useradd --system --user-group --no-create-home --shell /usr/sbin/nologin souk \
    && mkdir -p /run/souk/nginx/tmp /var/lib/souk/storage \
    && chown souk:souk /run/souk /var/lib/souk/storage
COPY --from=build /out/ /
# The same settings render nginx's configuration (souk-fcgi --render) into the shared
# /run/souk volume, where the nginx container of docker-compose.yml reads it.
ENV SOUK_ENV=production \
    SOUK_SOCKET=/run/souk/souk.sock \
    SOUK_PIDFILE=/run/souk/souk-fcgi.pid \
    SOUK_SCOREBOARD=/run/souk/souk-fcgi.scoreboard \
    SOUK_USER=souk \
    SOUK_SOCKET_GROUP=nginx-peers \
    SOUK_SCHEMA_DIR=/usr/share/souk/schema \
    SOUK_SEED_DIR=/usr/share/souk/seed \
    SOUK_TEMPLATE_DIR=/usr/share/souk/templates \
    SOUK_STORAGE_DIR=/var/lib/souk/storage \
    SOUK_CATALOG_VERSION_FILE=/run/souk/catalog.version \
    SOUK_HOME=/usr/share/souk \
    SOUK_WEB_ROOT=/srv/souk/web \
    SOUK_NGINX_DIR=/run/souk/nginx \
    SOUK_LOG_DIR=/run/souk/nginx \
    SOUK_TLS_CERT=/run/souk/tls/cert.pem \
    SOUK_TLS_KEY=/run/souk/tls/key.pem \
    SOUK_LISTEN_HOST=0.0.0.0 \
    SOUK_REDIRECT_HTTPS=1 \
    SOUK_NGINX_USER=nginx
# the master starts as root to bind the socket, then drops to SOUK_USER
CMD ["/bin/sh", "-c", "souk-admin migrate && for t in nginx.conf souk-locations.conf; do souk-fcgi --render /usr/share/souk/nginx/$t.in > /run/souk/nginx/$t.tmp && mv /run/souk/nginx/$t.tmp /run/souk/nginx/$t; done && cp /usr/share/souk/nginx/souk-headers.conf /run/souk/nginx/ && exec souk-fcgi"]
