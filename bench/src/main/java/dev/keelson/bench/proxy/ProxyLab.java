package dev.keelson.bench.proxy;

import dev.keelson.linux.Flags;
import dev.keelson.netns.NetNamespace;
import dev.keelson.netns.Rtnetlink;
import dev.keelson.netns.addr.Address;
import dev.keelson.netns.addr.Addresses;
import dev.keelson.netns.addr.InetAddresses;
import dev.keelson.netns.link.Links;
import dev.keelson.netns.link.Veth;
import dev.keelson.netns.route.Route;
import dev.keelson.netns.route.Routes;
import dev.keelson.netns.sysctl.Sysctls;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The namespaces one contender runs in, created fresh for each contender and size:
 *
 * <pre>
 *   client 192.168.77.2/24 ── 192.168.77.1/24  node  10.200.0.1/24 ── backend 10.200.0.2-6/24
 *   (keelson-conn-rate connect)              (the rules)            (keelson-conn-rate listen 8080)
 * </pre>
 *
 * The client is outside the cluster CIDR (10.0.0.0/8), so its connections take the masquerade
 * path in every layout. Nothing here touches the namespace the benchmark was started in.
 */
final class ProxyLab implements AutoCloseable {
    private final List<NetNamespace> all = new ArrayList<>();
    final NetNamespace client;
    final NetNamespace node;
    final NetNamespace backend;
    private Process listener;

    ProxyLab(String prefix, Path connRate) throws IOException {
        try {
            client = track(NetNamespace.create(prefix + "c"));
            node = track(NetNamespace.create(prefix + "n"));
            backend = track(NetNamespace.create(prefix + "b"));
            wire();
            listener = backend.run(() -> new ProcessBuilder(connRate.toString(), "listen", String.valueOf(Workload.TARGET_PORT))
                    .redirectErrorStream(true).start());
            String first = new BufferedReader(new InputStreamReader(listener.getInputStream(), StandardCharsets.UTF_8)).readLine();
            if (!"listening".equals(first)) {
                throw new IOException("keelson-conn-rate listen did not start: " + first);
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private NetNamespace track(NetNamespace ns) {
        all.add(ns);
        return ns;
    }

    private void wire() {
        try (Rtnetlink n = Rtnetlink.open(node); Rtnetlink c = Rtnetlink.open(client); Rtnetlink b = Rtnetlink.open(backend)) {
            Links nl = new Links(n);
            nl.setUp("lo");
            nl.add(Veth.named("cli").peer("eth0", client).up());
            nl.add(Veth.named("be").peer("eth0", backend).up());
            new Addresses(n).add(Address.of(nl.indexOf("cli"), "192.168.77.1/24"));
            new Addresses(n).add(Address.of(nl.indexOf("be"), "10.200.0.1/24"));
            Links cl = new Links(c);
            cl.setUp("lo");
            cl.setUp("eth0");
            new Addresses(c).add(Address.of(cl.indexOf("eth0"), "192.168.77.2/24"));
            new Routes(c).add(Route.defaultRoute(Flags.AF_INET).withGateway(InetAddresses.parse("192.168.77.1")));
            Links bl = new Links(b);
            bl.setUp("lo");
            bl.setUp("eth0");
            for (String a : Workload.REAL_ENDPOINTS) {
                new Addresses(b).add(Address.of(bl.indexOf("eth0"), a + "/24"));
            }
            new Routes(b).add(Route.defaultRoute(Flags.AF_INET).withGateway(InetAddresses.parse("10.200.0.1")));
        }
        Sysctls.of(node).setIpForward(true);
    }

    /** Result of one {@code keelson-conn-rate connect} run. */
    record ConnRate(double perSecond, double medianMicros) {
        /** The median rate and the median latency of several runs. */
        static ConnRate median(List<ConnRate> runs) {
            double[] rates = runs.stream().mapToDouble(ConnRate::perSecond).sorted().toArray();
            double[] lat = runs.stream().mapToDouble(ConnRate::medianMicros).sorted().toArray();
            return new ConnRate(rates[rates.length / 2], lat[lat.length / 2]);
        }
    }

    /** {@code count} measured connects (after {@code warmup}) from the client to {@code vip}:80. */
    ConnRate connRate(Path program, String vip, int count, int warmup) throws IOException {
        Process p = client.run(() -> new ProcessBuilder(program.toString(), "connect", vip, String.valueOf(Workload.PORT),
                String.valueOf(count), String.valueOf(warmup)).redirectErrorStream(true).start());
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        try {
            if (p.waitFor() != 0) {
                throw new IOException("keelson-conn-rate connect " + vip + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        double rate = Double.NaN;
        double median = Double.NaN;
        for (String kv : out.split(" ")) {
            if (kv.startsWith("rate=")) {
                rate = Double.parseDouble(kv.substring(5));
            } else if (kv.startsWith("median_us=")) {
                median = Double.parseDouble(kv.substring(10));
            }
        }
        return new ConnRate(rate, median);
    }

    @Override
    public void close() {
        if (listener != null) {
            listener.destroyForcibly();
        }
        for (NetNamespace ns : all.reversed()) {
            try {
                ns.delete();
            } catch (RuntimeException ignored) {
                // the pin may already be gone; nothing else holds the namespace
            }
        }
    }
}
