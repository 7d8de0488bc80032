#!/usr/bin/env bash
# house.sh - the rules of the house that a reviewer would otherwise have to
# remember (STYLE.md, ARCHITECTURE.md), checked in seconds by ./souk test:
#
#   1. every C file is as clang-format leaves it (.clang-format);
#   2. handlers build responses through the http module only (no "res->");
#   3. SQL that writes users, and any SQL on user_tokens, lives in src/users/users.c;
#   4. libcurl is used through src/core/httpc.c only;
#   5. request bodies are validated through http_validate() (no validate_json() in modules);
#   6. cJSON text and trees are owned by the arena through json.h (no cJSON_Print*/free);
#   7. no stale names of helpers that no longer exist, in code or docs;
#   8. the front end calls the network only through web/src/api/ApiService.ts
#      (no fetch, XMLHttpRequest or sendBeacon elsewhere), and the mock data layer
#      it replaced (MockDB, MockApiService) exists nowhere.
#
# Prints each finding as file:line: why, and exits 1 when there is any.
set -uo pipefail
cd "$(dirname "$0")/../.."

status=0
fail() { printf '%s\n' "$@" >&2; status=1; }

# sources, minus generated files
mapfile -t c_files < <(git ls-files '*.c' '*.h' 2>/dev/null || find src include t -name '*.[ch]')

# 1. formatting
for f in "${c_files[@]}"; do
  [ -f "$f" ] || continue
  if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
    fail "$f: not formatted (run: clang-format -i $f)"
  fi
done

# grep_rule PATTERN WHY ALLOWED... : findings of PATTERN in src/ outside the allowed files
grep_rule() {
  local pattern=$1 why=$2 hits
  shift 2
  local excludes=()
  for allowed in "$@"; do excludes+=(":(exclude)$allowed"); done
  hits=$(git grep -nE "$pattern" -- 'src/*.c' "${excludes[@]}" 2>/dev/null | grep -v '^\S*:[0-9]*:\s*\(/\*\|\*\)')
  [ -z "$hits" ] || fail "$(printf '%s\n' "$hits" | sed "s|\$|   <- $why|")"
}

grep_rule '\bres->' 'responses are built with http_response_*() (src/core/http.c)' \
  src/core/http.c src/core/httpc.c
grep_rule '(INSERT INTO|UPDATE|DELETE FROM) users\b|user_tokens' \
  'SQL on users and user_tokens belongs to src/users/users.c' src/users/users.c
grep_rule '\bcurl_easy_|\bcurl_slist_' 'outbound HTTP goes through src/core/httpc.c' src/core/httpc.c
grep_rule '\bvalidate_json\(' 'request bodies go through http_validate() (src/core/http.c)' \
  src/core/json.c src/core/http.c
grep_rule '\bcJSON_Print|\bcJSON_free\(' 'JSON text comes from json_print() (arena-owned)' \
  src/core/json.c src/server/scoreboard.c

# 7. stale names (helpers that were renamed or never existed)
stale=$(git grep -nE '\b(http_respond_error|route_fail|json_object)\(' -- src include t README.md docs 2>/dev/null)
[ -z "$stale" ] || fail "$(printf '%s\n' "$stale" | sed 's|$|   <- a name that does not exist|')"

# 8. one way to the network in the front end; no mocks
net=$(git grep -nE '\b(fetch|XMLHttpRequest|sendBeacon)\b *\(|new XMLHttpRequest' -- 'web/src/*.ts' 'web/src/*.tsx' \
  ':(exclude)web/src/api/ApiService.ts' 2>/dev/null)
[ -z "$net" ] || fail "$(printf '%s\n' "$net" | sed 's|$|   <- the front end calls the API through web/src/api/ApiService.ts only|')"
mocks=$(git grep -nE 'Mock(DB|ApiService)' -- . ':(exclude)t/lint/house.sh' 2>/dev/null)
[ -z "$mocks" ] || fail "$(printf '%s\n' "$mocks" | sed 's|$|   <- the mock data layer is gone: call the real API|')"

[ $status -eq 0 ] && echo "house rules: ok (${#c_files[@]} C files)"
exit $status
