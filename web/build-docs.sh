#!/usr/bin/env bash
# build-docs.sh - the API reference page at /docs/api (web/dist/docs/api/) from
# docs/openapi.yaml; run after `vite build`. web/build-docs.mjs does the work (see there).
set -euo pipefail
exec node "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/build-docs.mjs" "$@"
