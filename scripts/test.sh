#!/usr/bin/env bash
# The one test command (`make test`). It installs what the tests need when it is missing and
# it can (Chromium from Debian's packages; MariaDB is started if installed but down), checks
# that generated files are fresh, then runs every Go test. Under CI=true a missing database or
# browser makes the tests fail rather than skip.
set -euo pipefail
cd "$(dirname "$0")/.."

need_root_apt() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }

if ! command -v chromium >/dev/null 2>&1 && [ -z "${CHROMIUM:-}" ]; then
  if need_root_apt; then
    echo "== installing Chromium for the browser tests"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
  else
    echo "!! Chromium is missing and cannot be installed here: browser tests will skip (fail under CI)"
  fi
fi

if ! (exec 3<>/dev/tcp/127.0.0.1/3306) 2>/dev/null; then
  if [ -x /usr/sbin/mariadbd ]; then
    echo "== starting MariaDB"
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd || true
    for _ in $(seq 1 30); do (exec 3<>/dev/tcp/127.0.0.1/3306) 2>/dev/null && break; sleep 1; done
  fi
fi

echo "== go vet"
go vet ./...

echo "== templ generate is fresh"
go tool templ generate >/dev/null 2>&1
if git rev-parse --git-dir >/dev/null 2>&1 && ! git diff --quiet -- '*_templ.go'; then
  git --no-pager diff --stat -- '*_templ.go'
  echo "!! generated templ files were stale: run 'make generate' and commit them"
  exit 1
fi

echo "== go test"
go test -count=1 -timeout 20m ./... 2>&1 | tee /tmp/koogallery-test.log
