#!/usr/bin/env bash
# Deploys this checkout with docker-compose.prod.yml: build (or pull) an image,
# run the migrations as a one-off, start it, wait for /readyz through nginx,
# and roll back to the last good image (tag photogram:current) on failure.
#
# Usage: deploy/deploy.sh [--pull]
#   DEPLOY_TAG      tag of the new image (default: UTC timestamp)
#   IMAGE_REPO      image repository (default: photogram; e.g. ghcr.io/acme/photogram
#                   with --pull, which pulls IMAGE_REPO:DEPLOY_TAG instead of building)
#   READY_URL       default http://127.0.0.1/readyz (through nginx)
#   READY_ATTEMPTS  default 60, READY_INTERVAL default 2 (seconds between attempts)
set -euo pipefail

cd "$(dirname "$0")/.."

pull=false
case "${1:-}" in
  --pull) pull=true ;;
  "") ;;
  *)
    echo "usage: $0 [--pull]" >&2
    exit 2
    ;;
esac

repo=${IMAGE_REPO:-photogram}
new="$repo:${DEPLOY_TAG:-$(date -u +%Y%m%d%H%M%S)}"
ready_url=${READY_URL:-http://127.0.0.1/readyz}
attempts=${READY_ATTEMPTS:-60}
interval=${READY_INTERVAL:-2}
current=photogram:current

step() { printf '==> %s\n' "$*"; }
compose() { docker compose -f docker-compose.prod.yml "$@"; }

# nginx resolves the replicas' addresses at (re)load, so reload after every start.
start() {
  PHOTOGRAM_IMAGE=$1 compose up -d --no-build --remove-orphans &&
    PHOTOGRAM_IMAGE=$1 compose exec -T nginx nginx -s reload
}

wait_ready() {
  local i
  for ((i = 1; i <= attempts; i++)); do
    if curl -fsS -o /dev/null --max-time 5 "$ready_url"; then
      echo "ready after $i attempt(s)"
      return 0
    fi
    sleep "$interval"
  done
  echo "not ready after $attempts attempts: $ready_url" >&2
  return 1
}

if [[ ! -f .env ]]; then
  echo ".env is missing (the deploy workflow writes it from the ENV_VARS secret)" >&2
  exit 1
fi

have_current=false
if docker image inspect "$current" >/dev/null 2>&1; then
  have_current=true
fi

if $pull; then
  step "pull $new"
  docker pull "$new"
else
  step "build $new"
  docker build --pull -t "$new" .
fi

step "migrate with $new"
if ! PHOTOGRAM_IMAGE=$new compose run --rm --no-deps web node dist/db/migrate.js up; then
  echo "migration failed; the running version was not touched" >&2
  exit 1
fi

step "start $new"
if start "$new" && step "wait for $ready_url" && wait_ready; then
  if $have_current; then
    docker tag "$current" photogram:previous
  fi
  docker tag "$new" "$current"
  step "deployed $new"
  exit 0
fi

echo "$new did not become ready; see: docker compose -f docker-compose.prod.yml logs web" >&2
if ! $have_current; then
  step "no previous image to roll back to (first deployment)"
  exit 1
fi
step "roll back to $current"
if start "$current" && wait_ready; then
  step "rolled back to $current; $new was not deployed"
else
  step "ROLLBACK FAILED: $current is not ready either"
fi
exit 1
