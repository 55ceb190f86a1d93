#!/usr/bin/env bash
# Writes a copy of deploy/nginx.conf that runs on this machine, not in Docker:
# the upstream points at 127.0.0.1:<port>..., the server listens on
# 127.0.0.1:<listen-port>, and every file nginx writes (logs included) lives
# under <dir>.
# Usage: scripts/nginx-local-conf.sh <dir> <listen-port> <upstream-port>...
# Then:  nginx -p <dir> -e <dir>/error.log -c <dir>/nginx.conf -g "pid <dir>/nginx.pid;"
set -euo pipefail

if (($# < 3)); then
  echo "usage: $0 <dir> <listen-port> <upstream-port>..." >&2
  exit 2
fi
dir=$1
listen=$2
shift 2
src="$(dirname "$0")/../deploy/nginx.conf"

servers=""
for port in "$@"; do
  servers+="        server 127.0.0.1:${port}\\1\\n"
done

mkdir -p "$dir/cache" "$dir/tmp"
temp_paths="    client_body_temp_path $dir/tmp/body;\\n    proxy_temp_path $dir/tmp/proxy;\\n"
temp_paths+="    fastcgi_temp_path $dir/tmp/fastcgi;\\n    uwsgi_temp_path $dir/tmp/uwsgi;\\n    scgi_temp_path $dir/tmp/scgi;"

# Run as root, nginx would start its workers as an unprivileged user that
# cannot enter a private temp dir; this copy is only ever a local test.
user=""
if [[ $(id -u) == 0 ]]; then
  user="user root;\\n"
fi

sed -E \
  -e "1s#^#${user}#" \
  -e "s#^ *server web:3000(.*)\$#${servers%\\n}#" \
  -e "s#^( *)listen 80 default_server;#\\1listen 127.0.0.1:${listen} default_server;#" \
  -e "s#/var/cache/nginx/#${dir}/cache/#" \
  -e "s#^error_log /dev/stderr#error_log ${dir}/error.log#" \
  -e "s#access_log /dev/stdout#access_log ${dir}/access.log#" \
  -e "s#^http \\{\$#http {\\n${temp_paths}#" \
  "$src" >"$dir/nginx.conf"

# Fail loudly if deploy/nginx.conf changed shape and a rewrite did not apply.
for want in "server 127.0.0.1:$1" "listen 127.0.0.1:${listen}" "${dir}/cache/" \
  "client_body_temp_path" "error_log ${dir}/error.log" "access_log ${dir}/access.log"; do
  if ! grep -qF -- "$want" "$dir/nginx.conf"; then
    echo "$0: rewrite did not produce '$want'; update this script" >&2
    exit 1
  fi
done
