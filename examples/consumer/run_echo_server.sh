#!/usr/bin/env bash
# Runs the README's echo server (`@moirai//async/examples:echo_server`) on a
# free port, checks that a line sent to it comes back unchanged, and stops it.
# tools/check_consumer.sh calls it with the path of the built binary.
#
# The server runs with --connections=0 (serve until killed), as the README's
# usage line shows, and is stopped with SIGTERM once the echo came back.
set -euo pipefail
server="$1"
out="$(mktemp)"
trap 'kill "$pid" 2>/dev/null || true; rm -f "$out"' EXIT
"$server" --port=0 --connections=0 --workers=2 >"$out" &
pid=$!
port=""
for _ in $(seq 1 100); do
  port="$(sed -n 's/^echo_server listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$out")"
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { echo "echo_server did not start"; exit 1; }
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'hello moirai\n' >&3
IFS= read -r -t 10 reply <&3 || { echo "no reply from echo_server"; exit 1; }
exec 3>&-
[ "$reply" = "hello moirai" ] || { echo "echo_server replied '$reply'"; exit 1; }
echo "echo_server echoed: $reply"
