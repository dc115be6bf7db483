package dev.keelson.bench.proxy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * kube-proxy's nftables layout (pkg/proxy/nftables, Kubernetes 1.29+), as {@code nft -f} text:
 * {@code table ip kube-proxy}, a {@code service-ips} verdict map from address . protocol . port
 * to a per-service chain, and in each service chain one anonymous
 * {@code numgen random mod N vmap { 0 : goto endpoint-…, … }} picking a per-endpoint chain that
 * DNATs. The anonymous map per service is what makes its full load slow in the kernel. NodePorts
 * go through a {@code service-nodeports} verdict map (protocol . port, for local destinations) to
 * a per-service {@code external-…} chain that marks for masquerade and goes to the service chain.
 */
final class KubeNftLayout {
    static final String TABLE = "ip kube-proxy";
    static final String CLUSTER_CIDR = "10.0.0.0/8";

    private KubeNftLayout() {
    }

    /** Everything, into a namespace that has no kube-proxy table yet. */
    static String full(Workload w) {
        StringBuilder sb = new StringBuilder(w.services().size() * 900);
        sb.append("add table ").append(TABLE).append('\n');
        base(sb);
        for (Workload.Svc s : w.services()) {
            service(sb, s);
        }
        return sb.toString();
    }

    /** What kube-proxy's partial sync sends for services that appeared, changed or went away. */
    static String changed(Workload before, Workload after) {
        Map<String, Workload.Svc> old = new HashMap<>();
        before.services().forEach(s -> old.put(s.name(), s));
        Map<String, Workload.Svc> now = new HashMap<>();
        after.services().forEach(s -> now.put(s.name(), s));
        StringBuilder sb = new StringBuilder();
        for (Workload.Svc s : after.services()) {
            Workload.Svc was = old.get(s.name());
            if (was == null) {
                service(sb, s);
            } else if (!was.equals(s)) {
                String chain = serviceChain(s);
                sb.append("flush chain ").append(TABLE).append(' ').append(chain).append('\n');
                List<String> gone = was.endpoints().stream().filter(e -> !s.endpoints().contains(e)).toList();
                for (String e : s.endpoints()) {
                    if (!was.endpoints().contains(e)) {
                        endpoint(sb, s, e);
                    }
                }
                serviceRules(sb, s);
                for (String e : gone) {
                    sb.append("delete chain ").append(TABLE).append(' ').append(endpointChain(s, e)).append('\n');
                }
            }
        }
        for (Workload.Svc s : before.services()) {
            if (!now.containsKey(s.name())) {
                removed(sb, s);
            }
        }
        return sb.toString();
    }

    /** A removed service: its map elements first (they reference its chains), then the chains, emptied first. */
    private static void removed(StringBuilder sb, Workload.Svc s) {
        sb.append("delete element ").append(TABLE).append(" service-ips { ").append(s.vip()).append(" . tcp . ")
                .append(Workload.PORT).append(" }\n");
        List<String> chains = new java.util.ArrayList<>();
        if (s.nodePort() != 0) {
            sb.append("delete element ").append(TABLE).append(" service-nodeports { tcp . ").append(s.nodePort()).append(" }\n");
            chains.add(externalChain(s));
        }
        chains.add(serviceChain(s));
        s.endpoints().forEach(e -> chains.add(endpointChain(s, e)));
        chains.forEach(c -> sb.append("flush chain ").append(TABLE).append(' ').append(c).append('\n'));
        chains.forEach(c -> sb.append("delete chain ").append(TABLE).append(' ').append(c).append('\n'));
    }

    private static void base(StringBuilder sb) {
        String t = TABLE;
        sb.append("add chain ").append(t).append(" nat-prerouting { type nat hook prerouting priority dstnat; }\n");
        sb.append("add chain ").append(t).append(" nat-output { type nat hook output priority -100; }\n");
        sb.append("add chain ").append(t).append(" nat-postrouting { type nat hook postrouting priority srcnat; }\n");
        sb.append("add chain ").append(t).append(" filter-forward { type filter hook forward priority -110; }\n");
        sb.append("add chain ").append(t).append(" services\n");
        sb.append("add chain ").append(t).append(" masquerading\n");
        sb.append("add chain ").append(t).append(" mark-for-masquerade\n");
        sb.append("add chain ").append(t).append(" service-endpoints-check\n");
        sb.append("add map ").append(t).append(" service-ips { type ipv4_addr . inet_proto . inet_service : verdict; }\n");
        sb.append("add map ").append(t).append(" service-nodeports { type inet_proto . inet_service : verdict; }\n");
        sb.append("add map ").append(t).append(" no-endpoint-services { type ipv4_addr . inet_proto . inet_service : verdict; }\n");
        sb.append("add rule ").append(t).append(" nat-prerouting jump services\n");
        sb.append("add rule ").append(t).append(" nat-output jump services\n");
        sb.append("add rule ").append(t).append(" nat-postrouting jump masquerading\n");
        sb.append("add rule ").append(t).append(" filter-forward ct state new jump service-endpoints-check\n");
        sb.append("add rule ").append(t).append(" service-endpoints-check ip daddr . meta l4proto . th dport vmap @no-endpoint-services\n");
        sb.append("add rule ").append(t).append(" services ip daddr . meta l4proto . th dport vmap @service-ips\n");
        sb.append("add rule ").append(t).append(" services fib daddr type local ip daddr != 127.0.0.0/8"
                + " meta l4proto . th dport vmap @service-nodeports\n");
        sb.append("add rule ").append(t).append(" mark-for-masquerade mark set mark or 0x4000\n");
        sb.append("add rule ").append(t).append(" masquerading mark and 0x4000 == 0 return\n");
        sb.append("add rule ").append(t).append(" masquerading mark set mark xor 0x4000\n");
        sb.append("add rule ").append(t).append(" masquerading masquerade fully-random\n");
    }

    private static String serviceChain(Workload.Svc s) {
        return "service-" + KubeNames.hash(KubeNames.portName(s) + "tcp", 8) + "-" + Workload.NAMESPACE + "/" + s.name() + "/tcp/http";
    }

    private static String externalChain(Workload.Svc s) {
        return "external-" + KubeNames.hash(KubeNames.portName(s) + "tcp", 8) + "-" + Workload.NAMESPACE + "/" + s.name() + "/tcp/http";
    }

    private static String endpointChain(Workload.Svc s, String ep) {
        return "endpoint-" + KubeNames.hash(KubeNames.portName(s) + "tcp" + ep, 8) + "-" + Workload.NAMESPACE + "/" + s.name()
                + "/tcp/http__" + ep + "/" + Workload.TARGET_PORT;
    }

    private static void service(StringBuilder sb, Workload.Svc s) {
        String chain = serviceChain(s);
        sb.append("add chain ").append(TABLE).append(' ').append(chain).append('\n');
        for (String e : s.endpoints()) {
            endpoint(sb, s, e);
        }
        serviceRules(sb, s);
        sb.append("add element ").append(TABLE).append(" service-ips { ").append(s.vip()).append(" . tcp . ")
                .append(Workload.PORT).append(" : goto ").append(chain).append(" }\n");
        if (s.nodePort() != 0) {
            String ext = externalChain(s);
            sb.append("add chain ").append(TABLE).append(' ').append(ext).append('\n');
            sb.append("add rule ").append(TABLE).append(' ').append(ext).append(" jump mark-for-masquerade\n");
            sb.append("add rule ").append(TABLE).append(' ').append(ext).append(" goto ").append(chain).append('\n');
            sb.append("add element ").append(TABLE).append(" service-nodeports { tcp . ").append(s.nodePort())
                    .append(" : goto ").append(ext).append(" }\n");
        }
    }

    private static void serviceRules(StringBuilder sb, Workload.Svc s) {
        String chain = serviceChain(s);
        sb.append("add rule ").append(TABLE).append(' ').append(chain).append(" ip daddr ").append(s.vip())
                .append(" tcp dport ").append(Workload.PORT).append(" ip saddr != ").append(CLUSTER_CIDR)
                .append(" jump mark-for-masquerade\n");
        sb.append("add rule ").append(TABLE).append(' ').append(chain).append(" numgen random mod ")
                .append(s.endpoints().size()).append(" vmap { ");
        for (int i = 0; i < s.endpoints().size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(i).append(" : goto ").append(endpointChain(s, s.endpoints().get(i)));
        }
        sb.append(" }\n");
    }

    private static void endpoint(StringBuilder sb, Workload.Svc s, String ep) {
        String chain = endpointChain(s, ep);
        sb.append("add chain ").append(TABLE).append(' ').append(chain).append('\n');
        sb.append("add rule ").append(TABLE).append(' ').append(chain).append(" ip saddr ").append(ep)
                .append(" jump mark-for-masquerade\n");
        sb.append("add rule ").append(TABLE).append(' ').append(chain).append(" meta l4proto tcp dnat to ")
                .append(ep).append(':').append(Workload.TARGET_PORT).append('\n');
    }
}
