# Sourced by bin/keelson and bin/test: installs the Debian packages Keelson needs, once. Quick and
# silent when everything is already there; prints one line per install otherwise.
#
# command-to-check:package pairs (a command given as an absolute path only has to exist). Later modules add theirs here (nftables, runc, ...).
KEELSON_PACKAGES="/usr/lib/cni/bridge:containernetworking-plugins ip:iproute2 bridge:iproute2 unshare:util-linux nsenter:util-linux setpriv:util-linux sysctl:procps ping:iputils-ping gcc:gcc make:make curl:curl nft:nftables /usr/lib/x86_64-linux-gnu/libnftables.so.1:libnftables1 iptables:iptables iptables-legacy:iptables conntrack:conntrack runc:runc crun:crun docker-registry:docker-registry /bin/busybox:busybox-static etcd:etcd-server etcdctl:etcd-client"

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
