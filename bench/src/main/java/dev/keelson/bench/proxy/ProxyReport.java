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

    /** metric key, figure label, unit */
    private static final List<String[]> METRICS = List.of(
            new String[] {"full", "full sync", "ms"},
            new String[] {"full apply", "full sync, kernel load only", "ms"},
            new String[] {"one-service", "one-service change", "ms"},
            new String[] {"one-service apply", "one-service change, kernel load only", "ms"},
            new String[] {"one-endpoint", "one-endpoint change", "ms"},
            new String[] {"one-endpoint apply", "one-endpoint change, kernel load only", "ms"},
            new String[] {"conn/s first", "conn/s to first service", "conn/s"},
            new String[] {"conn/s last", "conn/s to last service", "conn/s"},
            new String[] {"connect first", "connect latency first", "µs"},
            new String[] {"connect last", "connect latency last", "µs"});

    private ProxyReport() {
    }

    static BenchReport build(ProxyPlan plan, Results r, List<String> notes) {
        List<Figure> figures = new ArrayList<>();
        for (int n : plan.sizes()) {
            for (String form : List.of("nft", "iptables")) {
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
        if (ours == null) {
            return null;
        }
        Results.Value peer = r.get(form, "kube", m[0], n);
        String peerName = form.equals("nft") ? NFT_PEER : IPT_PEER;
        if (peer != null && peer.kind() == Results.Kind.LOWER_BOUND) {
            peerName += " > cap, lower bound";
        }
        return new Figure(figureName(form, m[1], n), ours.value(), peer == null ? null : peer.value(),
                peer == null ? null : peerName, m[2]);
    }

    private static List<Target> targets(ProxyPlan plan, Results r, BenchReport d) {
        List<Target> t = new ArrayList<>();
        t.add(atSize(d, "nft full sync", 10_000, 1_000, "nft full sync of 10,000 services ≤ 1 s"));
        t.add(atSize(d, "nft full sync", 30_000, 3_000, "nft full sync of 30,000 services ≤ 3 s"));
        double worst = Double.NaN;
        int worstN = 0;
        for (int n : plan.sizes()) {
            Results.Value v = r.get("nft", "keelson", "one-service", n);
            if (v != null && !(v.value() <= worst)) {
                worst = v.value();
                worstN = n;
            }
        }
        t.add(Double.isNaN(worst) ? new Target("nft one-service change ≤ 5 ms at any N", "not measured", false)
                : new Target("nft one-service change ≤ 5 ms at any N",
                        String.format(Locale.ROOT, "%.2f ms (worst, at N=%,d)", worst, worstN), worst <= 5));
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
        t.add(atSize(d, "iptables one-service change", 30_000, 50, "iptables one-service change ≤ 50 ms at 30,000 services"));
        return t;
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
