# Sourced by bin/keelson and bin/test: installs the Debian packages Keelson needs, once. Quick and
# silent when everything is already there; prints one line per install otherwise.
#
# command-to-check:package pairs (a command given as an absolute path only has to exist). Later modules add theirs here (nftables, runc, ...).
KEELSON_PACKAGES="/usr/lib/cni/bridge:containernetworking-plugins ip:iproute2 bridge:iproute2 unshare:util-linux nsenter:util-linux setpriv:util-linux sysctl:procps ping:iputils-ping gcc:gcc make:make curl:curl nft:nftables /usr/lib/x86_64-linux-gnu/libnftables.so.1:libnftables1 iptables:iptables iptables-legacy:iptables conntrack:conntrack runc:runc crun:crun docker-registry:docker-registry /bin/busybox:busybox-static etcd:etcd-server etcdctl:etcd-client containerd:containerd /usr/lib/x86_64-linux-gnu/libcrypto.so.3:libssl3"

keelson_setup() {
  local missing="" pair cmd pkg
  for pair in $KEELSON_PACKAGES; do
    cmd=${pair%%:*}; pkg=${pair#*:}
    case "$cmd" in
      /*) [ -e "$cmd" ] && continue ;;
      *) command -v "$cmd" >/dev/null 2>&1 && continue ;;
    esac
    case " $missing " in *" $pkg "*) ;; *) missing="$missing $pkg" ;; esac
  done
  [ -f /usr/include/stdio.h ] || missing="$missing libc6-dev"
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "keelson: missing packages:$missing — install them as root (apt-get install$missing)" >&2
    return 1
  fi
  echo "keelson: installing$missing" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends $missing >/dev/null 2>&1 || {
    apt-get update -qq >/dev/null 2>&1
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
  }
}

# kubectl 1.20 (Debian's kubernetes-client) for the control plane's oldest-client tests. Its package
# would clash with the machine image's kubectl package over /usr/bin/kubectl, so the binary is
# unpacked from the downloaded .deb into a cache directory instead of installed.
KEELSON_KUBECTL_120=${KEELSON_KUBECTL_120:-/var/cache/keelson/kubectl-1.20/kubectl}
export KEELSON_KUBECTL_120

keelson_kubectl_120() {
  [ -x "$KEELSON_KUBECTL_120" ] && return 0
  [ "$(id -u)" -eq 0 ] || { echo "keelson: kubectl 1.20 missing at $KEELSON_KUBECTL_120 (run as root to fetch it)" >&2; return 0; }
  local tmp; tmp=$(mktemp -d)
  echo "keelson: fetching kubectl 1.20 (Debian kubernetes-client) into ${KEELSON_KUBECTL_120%/*}" >&2
  ( cd "$tmp" && { apt-get download kubernetes-client >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1; apt-get download kubernetes-client >/dev/null; }; } \
    && dpkg-deb -x kubernetes-client_*.deb x ) || { rm -rf "$tmp"; echo "keelson: could not fetch kubernetes-client" >&2; return 1; }
  mkdir -p "${KEELSON_KUBECTL_120%/*}"
  install -m 0755 "$tmp/x/usr/bin/kubectl" "$KEELSON_KUBECTL_120"
  rm -rf "$tmp"
}
