#!/usr/bin/env bash
# Static checks of everything that ships the app (npm run check:deploy).
# Runs every check, prints what each found, and exits 1 if any failed.
set -euo pipefail

cd "$(dirname "$0")/.."
bin=node_modules/.bin
nginx=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
failed=()

check() {
  local name=$1
  shift
  echo "--> $name"
  if "$@"; then
    echo "ok   $name"
  else
    echo "FAIL $name"
    failed+=("$name")
  fi
}

nginx_t() {
  local dir status=0
  dir=$(mktemp -d)
  scripts/nginx-local-conf.sh "$dir" 8080 3001 3002 &&
    "$nginx" -t -q -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf" -g "pid $dir/nginx.pid;" ||
    status=$?
  rm -rf "$dir"
  return "$status"
}

# Every *.sh file and every file with a sh/bash shebang, outside node_modules.
shell_scripts() {
  find . \( -name node_modules -o -name .git \) -prune -o -type f -print |
    while read -r f; do
      if [[ $f == *.sh ]] || head -n1 "$f" 2>/dev/null | grep -qE '^#!.*[/ ](ba)?sh$'; then
        echo "$f"
      fi
    done
}

check "dclint docker-compose.yml docker-compose.prod.yml" \
  "$bin/dclint" --max-warnings 0 docker-compose.yml docker-compose.prod.yml
check "dockerfilelint Dockerfile" "$bin/dockerfilelint" Dockerfile
for wf in .github/workflows/*.yml; do
  check "action-validator $wf" "$bin/action-validator" "$wf"
done
mapfile -t scripts < <(shell_scripts)
check "shellcheck ${scripts[*]}" shellcheck "${scripts[@]}"
check "nginx -t deploy/nginx.conf (upstreams on loopback)" nginx_t

if ((${#failed[@]})); then
  printf '\n%d check(s) failed:\n' "${#failed[@]}"
  printf '  %s\n' "${failed[@]}"
  exit 1
fi
printf '\nall deploy checks passed\n'
