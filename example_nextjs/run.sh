#!/usr/bin/env bash
# The Django example project and a Next.js app together: one sign-in, two servers.
#
#   example_nextjs/run.sh           install and build what is missing, start both, then open
#                                   http://localhost:3000 (Ctrl-C stops both)
#   example_nextjs/run.sh v5        the same with next-auth 5 (Auth.js): ../example_nextjs_v5,
#                                   and Django with NEXTAUTH["VERSION"] = "v5"
#   example_nextjs/run.sh build     only `npm ci` and `next build`, each when needed
#   example_nextjs/run.sh build v5  the same for ../example_nextjs_v5
#
# Needs python3, node 20.9+ and npm. Django runs from the repository's .venv (the README's
# first command; created here when missing) on 127.0.0.1:8000, behind Next.js, which proxies
# Django's paths (proxy.ts), so the browser sees one origin. Both servers get the same
# AUTH_SECRET: yours, else a new random one for this run. Ports: NEXT_PORT, DJANGO_PORT.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_dir="$(dirname "$script_dir")"
only_build=""
version="v4"
for arg in "$@"; do
  case "$arg" in
    build) only_build=1 ;;
    v4 | v5) version="$arg" ;;
    *)
      echo "usage: $0 [build] [v4|v5]" >&2
      exit 2
      ;;
  esac
done
app_dir="$script_dir"
[[ "$version" == v5 ]] && app_dir="$repo_dir/example_nextjs_v5"
next_port="${NEXT_PORT:-3000}"
django_port="${DJANGO_PORT:-8000}"
site_url="http://localhost:${next_port}"
export NEXT_TELEMETRY_DISABLED=1

# npm ci and next build run only when their inputs changed (scripts/stamp.mjs).
install_and_build() {
  cd "$app_dir"
  local want
  want="$(node "$script_dir/scripts/stamp.mjs" install "$app_dir")"
  if [[ "$want" != "$(cat node_modules/.install-stamp 2>/dev/null)" ]]; then
    npm ci --no-audit --no-fund
    echo "$want" > node_modules/.install-stamp
  fi
  want="$(node "$script_dir/scripts/stamp.mjs" build "$app_dir")"
  if [[ "$want" != "$(cat .next/.build-stamp 2>/dev/null)" ]]; then
    rm -f .next/.build-stamp
    node_modules/.bin/next build
    echo "$want" > .next/.build-stamp
  fi
}

( install_and_build )
if [[ -n "$only_build" ]]; then
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

# Django: NEXTAUTH_URL is the public origin (this app's), so its redirects stay on it;
# DEMO_NEXTAUTH_VERSION its NEXTAUTH["VERSION"], the wire format of the Next.js app.
AUTH_SECRET="$secret" NEXTAUTH_URL="$site_url" DEMO_NEXTAUTH_VERSION="$version" \
  "$python" "$repo_dir/example_project/manage.py" runserver "127.0.0.1:${django_port}" --noreload &
django_pid=$!
# Next.js, next-auth 4: NEXTAUTH_URL is the public origin + the base path of its own NextAuth
# API. next-auth 5: AUTH_URL is the public origin (the base path is in auth.ts).
if [[ "$version" == v5 ]]; then
  next_env=(AUTH_URL="$site_url")
else
  next_env=(NEXTAUTH_URL="${site_url}/api/next-auth")
fi
(
  cd "$app_dir"
  exec env AUTH_SECRET="$secret" "${next_env[@]}" DJANGO_URL="http://127.0.0.1:${django_port}" \
    node_modules/.bin/next start --hostname localhost --port "$next_port"
) &
next_pid=$!

echo "Open ${site_url} (Next.js; Django answers behind it). Ctrl-C stops both servers."
# Stop both as soon as either one exits.
while kill -0 "$django_pid" 2>/dev/null && kill -0 "$next_pid" 2>/dev/null; do
  sleep 1
done
