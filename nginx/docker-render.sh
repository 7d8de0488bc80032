#!/bin/sh
# docker-render.sh - renders Souk's nginx template inside the nginx container of
# docker-compose.yml (not run in this project's CI: no Docker engine here), creates a
# self-signed certificate on first start, then runs nginx in the foreground.
set -eu
VAR=${SOUK_VAR:-/var/souk}
mkdir -p "$VAR/nginx/tmp" "$VAR/log" "$VAR/tls"
if [ ! -f "$VAR/tls/cert.pem" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj "/CN=localhost" \
    -keyout "$VAR/tls/key.pem" -out "$VAR/tls/cert.pem" 2>/dev/null
fi
render() {
  sed -e "s|@USER_DIRECTIVE@|user nginx;|g" -e "s|@VAR@|$VAR|g" -e "s|@ROOT@|/etc/souk|g" \
      -e "s|@WEB_ROOT@|/srv/souk/web|g" -e "s|@STORAGE@|$VAR/storage|g" \
      -e "s|@SOCKET@|$VAR/run/souk.sock|g" -e "s|@LISTEN_HOST@|0.0.0.0|g" \
      -e "s|@HTTP_PORT@|8080|g" -e "s|@HTTPS_PORT@|8443|g" \
      -e "s|@TLS_CERT@|$VAR/tls/cert.pem|g" -e "s|@TLS_KEY@|$VAR/tls/key.pem|g" \
      -e "s|@REDIRECT_HTTPS@|1|g" -e "s|@API_RATE@|200r/s|g" -e "s|@API_BURST@|400|g" \
      -e "s|@AUTH_RATE@|5r/s|g" -e "s|@AUTH_BURST@|10|g" -e "s|@RATE_EXEMPT@||g" \
      -e "s|@UPSTREAM_KEEPALIVE@|# no keepalive|g" -e "s|@KEEP_CONN@|off|g" \
      -e "s|@CLIENT_MAX_BODY@|10m|g" -e "s|@READ_TIMEOUT@|35s|g" \
      -e "s|@UPLOAD_LIMIT@|536870912|g" -e "s|@UPLOAD_READ_TIMEOUT@|605s|g" -e "s|@VERSION_FILE@|$VAR/run/catalog.version|g" \
      -e "s|@CATALOG_CACHE@|souk_catalog|g" "$1" > "$2"
}
render /etc/souk/nginx/nginx.conf.in "$VAR/nginx/nginx.conf"
render /etc/souk/nginx/souk-locations.conf.in "$VAR/nginx/souk-locations.conf"
cp /etc/souk/nginx/souk-headers.conf "$VAR/nginx/souk-headers.conf"
printf '{"status":"ok"}' > "$VAR/nginx/bench-static.json"
exec nginx -c "$VAR/nginx/nginx.conf" -p "$VAR/nginx" -g 'daemon off;'
