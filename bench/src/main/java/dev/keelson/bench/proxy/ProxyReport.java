package dev.keelson.bench.proxy;

import dev.keelson.bench.BenchReport;
import dev.keelson.bench.Figure;
import dev.keelson.bench.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Turns a run's {@link Results} into figures (Keelson against the kube-proxy layout of the same form) and targets. */
final class ProxyReport {
    private static final String NFT_PEER = "kube-proxy nft layout (nft -f)";
    private static final String IPT_PEER = "kube-proxy iptables layout (iptables-restore --noflush)";

    /** metric key, figure label, unit; "compile" and "apply" rows exist for Keelson only. */
    private static final List<String[]> METRICS = List.of(
            new String[] {"full", "full sync", "ms"},
            new String[] {"full compile", "full sync, compile", "ms"},
            new String[] {"full apply", "full sync, backend apply", "ms"},
            new String[] {"one-service", "one-service change (ClusterIP)", "ms"},
            new String[] {"one-service compile", "one-service change (ClusterIP), compile + diff", "ms"},
            new String[] {"one-service apply", "one-service change (ClusterIP), backend apply", "ms"},
            new String[] {"one-nodeport-service", "one-service change (NodePort)", "ms"},
            new String[] {"one-nodeport-service compile", "one-service change (NodePort), compile + diff", "ms"},
            new String[] {"one-nodeport-service apply", "one-service change (NodePort), backend apply", "ms"},
            new String[] {"one-endpoint", "one-endpoint change", "ms"},
            new String[] {"one-endpoint compile", "one-endpoint change, compile + diff", "ms"},
            new String[] {"one-endpoint apply", "one-endpoint change, backend apply", "ms"},
            new String[] {"conn/s first", "conn/s to first service", "conn/s"},
            new String[] {"conn/s last", "conn/s to last service", "conn/s"},
            new String[] {"connect first", "connect latency first", "µs"},
            new String[] {"connect last", "connect latency last", "µs"});

    /** The contests: Keelson's backend of each form against the kube-proxy layout of that form (none for legacy). */
    static final List<String> FORMS = List.of("nft", "iptables", "iptables-legacy");

    private ProxyReport() {
    }

    static BenchReport build(ProxyPlan plan, Results r, List<String> notes) {
        List<Figure> figures = new ArrayList<>();
        for (int n : plan.sizes()) {
            for (String form : FORMS) {
                for (String[] m : METRICS) {
                    Figure f = figure(r, form, m, n);
                    if (f != null) {
                        figures.add(f);
                    }
                }
            }
        }
        BenchReport draft = new BenchReport("proxy", figures);
        return new BenchReport("proxy", figures, targets(plan, r, draft), notes);
    }

    static String figureName(String form, String label, int n) {
        return form + " " + label + " N=" + String.format(Locale.ROOT, "%,d", n);
    }

    private static Figure figure(Results r, String form, String[] m, int n) {
        Results.Value ours = r.get(form, "keelson", m[0], n);
        Results.Value peer = r.get(form, "kube", m[0], n);
        String peerName = switch (form) {
            case "nft" -> NFT_PEER;
            case "iptables" -> IPT_PEER;
            default -> null;
        };
        if (ours == null) {
            // A peer-only row (Keelson not run at this size, e.g. a full sync extrapolated past the
            // cap): kube-proxy's figure still belongs in the report; Keelson's value is NaN.
            if (peer == null || peerName == null) {
                return null;
            }
            return new Figure(figureName(form, m[1], n), Double.NaN, peer.value(),
                    peer.kind() == Results.Kind.LOWER_BOUND ? peerName + " > cap, lower bound" : peerName, m[2]);
        }
        if (peer == null || peerName == null) {
            return new Figure(figureName(form, m[1], n), ours.value(), null, null, m[2]);
        }
        if (peer.kind() == Results.Kind.LOWER_BOUND) {
            peerName += " > cap, lower bound";
        }
        return new Figure(figureName(form, m[1], n), ours.value(), peer.value(), peerName, m[2]);
    }

    private static List<Target> targets(ProxyPlan plan, Results r, BenchReport d) {
        List<Target> t = new ArrayList<>();
        t.add(atSize(d, "nft full sync", 10_000, 1_000, "nft full sync of 10,000 services ≤ 1 s"));
        t.add(atSize(d, "nft full sync", 30_000, 3_000, "nft full sync of 30,000 services ≤ 3 s"));
        t.add(worstChange(plan, r, "nft", plan.sizes(), 5, "nft one-service change ≤ 5 ms at any N"));
        int big = plan.sizes().getLast();
        Results.Value first = r.get("nft", "keelson", "conn/s first", big);
        Results.Value last = r.get("nft", "keelson", "conn/s last", big);
        String goal = "nft conn/s to the last of 30,000 services within 10 % of the first";
        if (first == null || last == null) {
            t.add(new Target(goal, "not measured", false));
        } else {
            double ratio = last.value() / first.value();
            t.add(new Target(goal, String.format(Locale.ROOT, "last/first = %.2f at N=%,d", ratio, big),
                    big >= 30_000 && ratio >= 0.9));
        }
        List<Integer> at30k = plan.sizes().contains(30_000) ? List.of(30_000) : List.of();
        t.add(worstChange(plan, r, "iptables", at30k, 50, "iptables (iptables-nft) one-service change ≤ 50 ms at 30,000 services"));
        t.add(worstChange(plan, r, "iptables-legacy", at30k, 50, "iptables-legacy one-service change ≤ 50 ms at 30,000 services"));
        return t;
    }

    /** The worst whole one-service change (ClusterIP or NodePort, added or removed) over {@code sizes}. */
    private static Target worstChange(ProxyPlan plan, Results r, String form, List<Integer> sizes, double limit, String goal) {
        double worst = Double.NaN;
        String where = "";
        for (int n : sizes) {
            for (String metric : List.of("one-service", "one-nodeport-service")) {
                Results.Value v = r.get(form, "keelson", metric, n);
                if (v != null && !(v.value() <= worst)) {
                    worst = v.value();
                    where = String.format(Locale.ROOT, "%s at N=%,d", metric.equals("one-service") ? "ClusterIP" : "NodePort", n);
                }
            }
        }
        if (Double.isNaN(worst)) {
            return new Target(goal, "not measured", false);
        }
        return new Target(goal, String.format(Locale.ROOT, "%.2f ms (worst: %s)", worst, where), worst <= limit);
    }

    private static Target atSize(BenchReport d, String label, int n, double limit, String goal) {
        String form = label.substring(0, label.indexOf(' '));
        String rest = label.substring(label.indexOf(' ') + 1);
        Figure f = d.figure(figureName(form, rest, n)).orElse(null);
        if (f == null) {
            return new Target(goal, "not measured (N=" + String.format(Locale.ROOT, "%,d", n) + " is not in this run)", false);
        }
        return Target.valueAtMost(f, limit, goal);
    }
}
