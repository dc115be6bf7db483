#!/bin/bash
# Interim scenario for the CNI exec path, until `bin/keelson bench cni` exists (issue 4). It
# times the thin client plus the warm daemon against the reference plugins, side by side in one
# run. Everything happens inside a private network and mount namespace, made like this:
#
#   sudo unshare -n -m --propagation private bench/scripts/cni-exec-path.sh [LOOPBACK_WARMUP [BRIDGE_WARMUP [BRIDGE_N]]]
#
# The daemon is warmed first with loopback ADDs, and the bridge ADDs have their own warm-up. Each
# bridge ADD gets a fresh pod netns, and its DEL and the netns removal are not timed.
set -e
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
mount -t tmpfs keelson-bench /run
mkdir -p /run/netns /run/cnibin
ip link set lo up
"$root/bin/keelson" cni install --dir /run/cnibin --plugins loopback,host-local,bridge >/dev/null
export KEELSON_CNI_SOCKET=/run/kcni/cni.sock
"$root/bin/keelson" cni daemon --socket "$KEELSON_CNI_SOCKET" > /run/cnidaemon.log 2>&1 &
daemon=$!
trap 'kill $daemon 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do [ -S "$KEELSON_CNI_SOCKET" ] && break; sleep 0.1; done
ip netns add pod
conf='{"cniVersion":"1.0.0","name":"lo","type":"loopback"}'
for _ in $(seq 1 "${1:-2000}"); do
  CNI_COMMAND=ADD CNI_CONTAINERID=c1 CNI_NETNS=/run/netns/pod CNI_IFNAME=lo CNI_PATH=/run/cnibin /run/cnibin/loopback <<<"$conf" >/dev/null
done
python3 "$here/cni_loopback_times.py"
python3 "$here/cni_bridge_times.py" "${2:-300}" "${3:-100}"
