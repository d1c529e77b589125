#!/usr/bin/env bash
# The Django example project and this Next.js app together: one sign-in, two servers.
#
#   example_nextjs/run.sh          install and build what is missing, start both, then open
#                                  http://localhost:3000 (Ctrl-C stops both)
#   example_nextjs/run.sh build    only `npm ci` and `next build`, each when needed
#
# Needs python3, node 18.17+ and npm. Django runs from the repository's .venv (the README's
# first command; created here when missing) on 127.0.0.1:8000, behind Next.js, which proxies
# Django's paths (middleware.ts), so the browser sees one origin. Both servers get the same
# AUTH_SECRET: yours, else a new random one for this run. Ports: NEXT_PORT, DJANGO_PORT.
set -euo pipefail

app_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_dir="$(dirname "$app_dir")"
next_port="${NEXT_PORT:-3000}"
django_port="${DJANGO_PORT:-8000}"
site_url="http://localhost:${next_port}"
export NEXT_TELEMETRY_DISABLED=1

# npm ci and next build run only when their inputs changed (scripts/stamp.mjs).
install_and_build() {
  cd "$app_dir"
  local want
  want="$(node scripts/stamp.mjs install)"
  if [[ "$want" != "$(cat node_modules/.install-stamp 2>/dev/null)" ]]; then
    npm ci --no-audit --no-fund
    echo "$want" > node_modules/.install-stamp
  fi
  want="$(node scripts/stamp.mjs build)"
  if [[ "$want" != "$(cat .next/.build-stamp 2>/dev/null)" ]]; then
    rm -f .next/.build-stamp
    node_modules/.bin/next build
    echo "$want" > .next/.build-stamp
  fi
}

( install_and_build )
if [[ "${1:-}" == "build" ]]; then
  exit 0
fi

venv="$repo_dir/.venv"
if [[ -f "$venv" ]]; then
  # A PEP 832 redirect file (tox 4.67+ writes one) names the environment to use instead.
  venv="$(head -n 1 "$venv")"
  [[ "$venv" == /* ]] || venv="$repo_dir/$venv"
fi
python="$venv/bin/python"
if ! "$python" -c "import django_nextauth, rest_framework, jwt, httpx, oauth2_provider" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q -e "${repo_dir}[drf,oauth,example]"
fi

secret="${AUTH_SECRET:-${NEXTAUTH_SECRET:-$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')}}"
django_pid=""
next_pid=""
stop() {
  trap - EXIT INT TERM
  kill $django_pid $next_pid 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop EXIT INT TERM

# Django: NEXTAUTH_URL is the public origin (this app's), so its redirects stay on it.
AUTH_SECRET="$secret" NEXTAUTH_URL="$site_url" \
  "$python" "$repo_dir/example_project/manage.py" runserver "127.0.0.1:${django_port}" --noreload &
django_pid=$!
# Next.js: NEXTAUTH_URL is the public origin + the base path of its own NextAuth API.
(
  cd "$app_dir"
  AUTH_SECRET="$secret" NEXTAUTH_URL="${site_url}/api/next-auth" \
    DJANGO_URL="http://127.0.0.1:${django_port}" \
    exec node_modules/.bin/next start --hostname localhost --port "$next_port"
) &
next_pid=$!

echo "Open ${site_url} (Next.js; Django answers behind it). Ctrl-C stops both servers."
# Stop both as soon as either one exits.
while kill -0 "$django_pid" 2>/dev/null && kill -0 "$next_pid" 2>/dev/null; do
  sleep 1
done
