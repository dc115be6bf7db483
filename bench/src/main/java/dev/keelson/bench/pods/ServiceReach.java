package dev.keelson.bench.pods;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.bench.Samples;
import dev.keelson.control.client.KubeClient;
import dev.keelson.control.client.Resource;
import dev.keelson.netns.NetNamespace;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Service propagation latency: a ClusterIP Service for pods that are already Ready is created, and
 * from the node's network namespace a TCP connection to ClusterIP:80 is tried every 2 ms until one
 * is accepted by the pod behind it. The figure is from just before the create request to that
 * accept: the API write, the EndpointSlice controller, the proxy's watch and its nftables sync.
 *
 * <p>{@code keelson up} routes the Service range over the node's bridge in the node namespace (which
 * has no default route), so the node itself can reach ClusterIPs as pods do.
 */
final class ServiceReach {
    static final String SERVICE_RANGE = "10.96.0.0/12";
    private static final long GIVE_UP_NANOS = TimeUnit.SECONDS.toNanos(60);

    private ServiceReach() {
    }

    /** Creates {@code count} Services for the pods labelled {@code bench=target}, one after another, each measured into {@code samples}. */
    static void measure(KubeClient client, NetNamespace node, String bridge, String target, int count, Samples samples,
                        Consumer<String> progress) throws Exception {
        for (int i = 0; i < count; i++) {
            progress.accept("service propagation: " + i + "/" + count);
            String name = "bench-svc-" + i;
            long start = System.nanoTime();
            ObjectNode svc = client.create(Resource.SERVICES, Workloads.NAMESPACE, Workloads.service(name, target));
            String ip = svc.path("spec").path("clusterIP").asText();
            if (ip.isEmpty() || ip.equals("None")) {
                throw new IllegalStateException("Service " + name + " got no ClusterIP: " + svc.path("spec"));
            }
            samples.add(awaitReachable(node, ip, start) - start);
            client.delete(Resource.SERVICES, Workloads.NAMESPACE, name, null);
        }
    }

    private static long awaitReachable(NetNamespace node, String ip, long start) throws Exception {
        InetSocketAddress target = new InetSocketAddress(ip, 80);
        while (true) {
            Long at = node.run(() -> {
                try (Socket s = new Socket()) {
                    s.connect(target, 200);
                    return System.nanoTime();
                } catch (IOException notYet) {
                    return null;
                }
            });
            if (at != null) {
                return at;
            }
            if (System.nanoTime() - start > GIVE_UP_NANOS) {
                throw new IllegalStateException("Service ClusterIP " + ip + ":80 not reachable from the node namespace within 60 s");
            }
            Thread.sleep(2);
        }
    }
}
