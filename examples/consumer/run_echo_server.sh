#!/usr/bin/env bash
# Runs the README's echo server (`@moirai//async/examples:echo_server`) for one
# connection on a free port and checks that a line comes back unchanged.
set -euo pipefail
server="$1"
out="${TEST_TMPDIR:-$(mktemp -d)}/echo_server.out"
"$server" --port=0 --connections=1 --workers=2 >"$out" &
pid=$!
port=""
for _ in $(seq 1 100); do
  port="$(sed -n 's/^echo_server listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$out")"
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { echo "echo_server did not start"; kill "$pid" || true; exit 1; }
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'hello moirai\n' >&3
IFS= read -r -t 10 reply <&3
exec 3>&-
wait "$pid"
[ "$reply" = "hello moirai" ] || { echo "echo_server replied '$reply'"; exit 1; }
echo "echo_server echoed: $reply"
