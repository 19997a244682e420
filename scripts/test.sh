#!/usr/bin/env bash
# Runs every test: unit tests, integration tests against a real Docker Engine in swarm mode,
# and end-to-end tests of the packaged jars. Installs what is missing (JDK 17, Maven, promtool,
# chromium + chromedriver, wrk, Docker, busybox-static) and starts the test Engine (scripts/test-engine.sh) first.
#
#   scripts/test.sh                 # everything (mvn verify)
#   scripts/test.sh -pl collector   # extra arguments go to Maven
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "test: $*" >&2; }

ensure_build_tools() {
  local missing=()
  command -v java >/dev/null 2>&1 && java -version 2>&1 | grep -qE 'version "(1[7-9]|[2-9][0-9])' \
    || missing+=(openjdk-17-jdk-headless)
  command -v mvn >/dev/null 2>&1 || missing+=(maven)
  # promtool checks /metrics in the end-to-end tests.
  command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
  # The web page's test drives Debian's chromium through chromedriver (Selenium).
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
  # The benchmarks' smoke runs: bench/api-latency.sh loads the API with wrk.
  command -v wrk >/dev/null 2>&1 || missing+=(wrk)
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" = 0 ] || { say "ERROR: missing ${missing[*]} and not root to install them"; exit 1; }
  say "installing ${missing[*]} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2
  apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
}

ensure_build_tools
# A failure to start the Engine fails the run here, with test-engine.sh's reason.
if ! engine_env=$(scripts/test-engine.sh up); then
  say "ERROR: the test Docker Engine could not be started (reason above); integration tests need it"
  exit 1
fi
eval "$engine_env"
say "Docker Engine for the tests: $DOCKER_HOST"

exec mvn -B -ntp verify "$@"
