#!/usr/bin/env bash
# `make run` / `make teacher`: JupyterLab on a folder of notebooks with the
# kernel built in this checkout. Its log goes to build/jupyterlab.log so that
# the address to open (with its token) is the last thing printed; Ctrl-C stops it.
# Usage: tools/jupyter_run.sh JUPYTER JUPYTER_PATH NOTEBOOK_DIR IP PORT
set -euo pipefail
jupyter=$1 jupyter_path=$2 dir=$3 ip=$4 port=$5
python=$(dirname "$jupyter")/python
log=build/jupyterlab.log
mkdir -p build
token=$("$python" -c 'import secrets; print(secrets.token_hex(24))')
args=(lab --no-browser "--ip=$ip" "--port=$port" "--IdentityProvider.token=$token"
      "--ServerApp.root_dir=$dir")
[ "$(id -u)" = 0 ] && args+=(--allow-root)

JUPYTER_PATH=$jupyter_path "$jupyter" "${args[@]}" >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true' EXIT
trap 'exit 130' INT TERM

# The server's own record (runtime dir, jpserver-PID.json) names the port it
# bound (the next free one when $port is taken).
runtime=$(JUPYTER_PATH=$jupyter_path "$jupyter" --runtime-dir)
bound=
for _ in $(seq 600); do
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; echo "JupyterLab did not start (log above)" >&2; exit 1; }
    if [ -s "$runtime/jpserver-$pid.json" ]; then
        bound=$("$python" -c 'import json, sys; print(json.load(open(sys.argv[1]))["port"])' \
                "$runtime/jpserver-$pid.json" 2>/dev/null || true)
        [ -n "$bound" ] && break
    fi
    sleep 0.2
done
[ -n "$bound" ] || { echo "JupyterLab gave no address in 120 s; see $log" >&2; exit 1; }

host=$(hostname -f 2>/dev/null || hostname)
echo "JupyterLab serves $dir (log: $log; Ctrl-C stops it)."
if [ "$ip" = 127.0.0.1 ] || [ "$ip" = localhost ]; then
    echo "From another machine: ssh -N -L $bound:127.0.0.1:$bound $(id -un)@$host, then open the address below there,"
    echo "or restart with \`make ${MAKE_TARGET:-run} IP=0.0.0.0\` to listen on the network."
else
    addrs=$(hostname -I 2>/dev/null | tr ' ' '\n' | grep -v ':' | grep . || echo "$host")
    for a in $addrs; do
        echo "From another machine: http://$a:$bound/lab?token=$token"
    done
fi
echo "Open: http://127.0.0.1:$bound/lab?token=$token"
wait "$pid"
