#!/bin/sh
# docker-nginx.sh - starts nginx in the nginx container of docker-compose.yml (not run in
# this project's CI: no Docker engine here). The app container renders nginx's
# configuration into the shared /run/souk volume with souk-fcgi --render (the same
# templates and settings as ./souk up); this waits for it, creates a self-signed
# certificate on first start, then runs nginx in the foreground.
set -eu
RUN=/run/souk
mkdir -p "$RUN/tls" "$RUN/nginx/tmp"
if [ ! -f "$RUN/tls/cert.pem" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj "/CN=localhost" \
    -keyout "$RUN/tls/key.pem" -out "$RUN/tls/cert.pem" 2>/dev/null
fi
i=0
until [ -f "$RUN/nginx/souk-headers.conf" ]; do
  i=$((i + 1)); [ "$i" -le 120 ] || { echo "no nginx configuration from the app" >&2; exit 1; }
  sleep 1
done
exec nginx -c "$RUN/nginx/nginx.conf" -p "$RUN/nginx" -g 'daemon off;'
