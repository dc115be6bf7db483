package dev.keelson.cli.up;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.client.ApiException;
import dev.keelson.control.client.KubeClient;
import dev.keelson.control.client.Kubeconfig;
import dev.keelson.control.client.Resource;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The scenario of {@code keelson demo}, against a running {@link LocalCluster}: a Deployment of
 * three busybox httpd pods and a ClusterIP Service, requests from a client pod by ClusterIP (and
 * by DNS name when the cluster DNS addon runs) with the spread over the pods, a rollout to v2, a
 * rollback, a killed pod replaced. It prints what it does, with the kubectl command that does the
 * same. Steps that need the Service proxy or ClusterIP allocation say so when those are missing.
 */
public final class ClusterDemo {
    private final LocalCluster cluster;
    private final KubeClient api;
    private final PrintWriter out;
    private final boolean dns;
    private final DemoWait await;

    public ClusterDemo(LocalCluster cluster, boolean dnsRunning, PrintWriter out) throws IOException {
        this.cluster = cluster;
        this.api = new KubeClient(Kubeconfig.load(cluster.layout().kubeconfig()), "keelson-demo");
        this.out = out;
        this.dns = dnsRunning;
        this.await = new DemoWait(api, out);
    }

    /** Runs every step; returns how many steps could not be shown (missing proxy/DNS), 0 when all worked. */
    public int run() throws Exception {
        int missing = 0;
        step("Apply a Deployment of 3 web pods (busybox httpd, page names the pod) and a ClusterIP Service",
                "kubectl apply -f web.yaml   # Deployment web (3 replicas, VERSION=v1) + Service web:80 -> 8080");
        api.create(Resource.DEPLOYMENTS, DemoManifests.NAMESPACE, DemoManifests.deployment("v1"));
        ObjectNode svc = api.create(Resource.SERVICES, DemoManifests.NAMESPACE, DemoManifests.service());
        long t0 = System.nanoTime();
        await.rolledOut("v1");
        say(String.format("3/3 pods ready in %.1f s:", (System.nanoTime() - t0) / 1e9));
        await.printPods();

        String clusterIp = svc.path("spec").path("clusterIP").asText("");
        step("Send " + DemoManifests.REQUESTS + " requests to the Service by its ClusterIP from a client pod (busybox nc)",
                "kubectl run client --image=" + DemoImage.REFERENCE + " --restart=Never -- sh -c 'for i in $(seq 30); do printf \"GET / HTTP/1.0\\r\\n\\r\\n\" | nc CLUSTER-IP 80; done'");
        if (clusterIp.isEmpty() || clusterIp.equals("None")) {
            say("SKIPPED: the Service got no ClusterIP — ClusterIP allocation is not part of this build yet.");
            missing++;
        } else {
            say("Service web has ClusterIP " + clusterIp);
            missing += requests("client-ip", clusterIp) ? 0 : 1;
        }
        step("The same by DNS name", "... nslookup web.default.svc.cluster.local, then the same requests");
        if (!dns) {
            say("SKIPPED: no cluster DNS server runs on this node yet (hook: NodeAddons.standard()).");
            missing++;
        } else {
            missing += requests("client-dns", "web.default.svc.cluster.local") ? 0 : 1;
        }

        step("Roll out version v2", "kubectl set env deployment/web VERSION=v2 && kubectl rollout status deployment/web");
        t0 = System.nanoTime();
        setVersion("v2");
        await.rolledOut("v2");
        say(String.format("rolled out in %.1f s:", (System.nanoTime() - t0) / 1e9));
        await.printPods();
        printReplicaSets();

        step("Roll it back", "kubectl rollout undo deployment/web");
        t0 = System.nanoTime();
        DemoRollback.undo(api, DemoManifests.NAMESPACE, DemoManifests.APP);
        await.rolledOut("v1");
        say(String.format("back on v1 in %.1f s (the v1 ReplicaSet is scaled up again):", (System.nanoTime() - t0) / 1e9));
        await.printPods();
        printReplicaSets();

        step("Kill a pod and watch the ReplicaSet replace it", "kubectl delete pod <one of them>");
        List<String> before = await.readyPods();
        String victim = before.get(0);
        t0 = System.nanoTime();
        api.delete(Resource.PODS, DemoManifests.NAMESPACE, victim, null);
        say("deleted " + victim);
        List<String> after = await.replaced(before, victim);
        say(String.format("replaced by %s, 3/3 ready again in %.1f s", after.stream().filter(p -> !before.contains(p))
                .findFirst().orElse("?"), (System.nanoTime() - t0) / 1e9));

        step("Clean up the demo objects", "kubectl delete deployment/web service/web");
        api.delete(Resource.DEPLOYMENTS, DemoManifests.NAMESPACE, DemoManifests.APP, null);
        api.delete(Resource.SERVICES, DemoManifests.NAMESPACE, DemoManifests.APP, null);
        return missing;
    }

    /** Runs a client pod against {@code url}, prints how the responses spread over pods; false when no request got through. */
    private boolean requests(String pod, String url) throws Exception {
        ObjectNode created = api.create(Resource.PODS, DemoManifests.NAMESPACE, DemoManifests.client(pod, url));
        JsonNode done = await.finished(pod);
        Path log = cluster.layout().podLogDir().resolve(DemoManifests.NAMESPACE + "_" + pod + "_"
                + created.path("metadata").path("uid").asText()).resolve("client/0.log");
        Map<String, Integer> spread = new TreeMap<>();
        int failed = 0;
        for (String line : Files.exists(log) ? Files.readAllLines(log) : List.<String>of()) {
            String body = criLogText(line);
            if (body.startsWith("resolved ")) {
                say(body);
            } else if (body.startsWith("hello from ")) {
                spread.merge(body.substring("hello from ".length()), 1, Integer::sum);
            } else if (body.contains("FAILED")) {
                failed++;
            }
        }
        api.delete(Resource.PODS, DemoManifests.NAMESPACE, pod, null);
        int ok = spread.values().stream().mapToInt(Integer::intValue).sum();
        say(ok + " of " + DemoManifests.REQUESTS + " answered (client pod " + done.path("status").path("phase").asText() + "):");
        spread.forEach((who, n) -> say(String.format("  %-40s %2d  %s", who, n, "#".repeat(n))));
        if (ok == 0) {
            say(failed > 0 ? "FAILED: no request reached a pod — no Service proxy runs on this node yet (hook: NodeAddons.standard())."
                    : "FAILED: the client pod wrote no responses (log " + log + ")");
        }
        return ok > 0;
    }

    /** The text of a CRI log line: {@code <time> <stream> <F|P> <text>}. */
    private static String criLogText(String line) {
        String[] parts = line.split(" ", 4);
        return parts.length == 4 ? parts[3] : line;
    }

    private void setVersion(String version) {
        for (int attempt = 0; ; attempt++) {
            ObjectNode d = api.get(Resource.DEPLOYMENTS, DemoManifests.NAMESPACE, DemoManifests.APP);
            ObjectNode env = (ObjectNode) d.path("spec").path("template").path("spec").path("containers").path(0).path("env").path(0);
            env.put("value", version);
            try {
                api.update(Resource.DEPLOYMENTS, d, null);
                return;
            } catch (ApiException e) {
                if (!e.conflict() || attempt > 5) {
                    throw e;
                }
            }
        }
    }

    private void printReplicaSets() {
        JsonNode list = api.list(Resource.REPLICASETS, DemoManifests.NAMESPACE, "labelSelector=app%3D" + DemoManifests.APP);
        for (JsonNode rs : list.path("items")) {
            say(String.format("  replicaset %-28s revision %-3s replicas %d  (%s)", rs.path("metadata").path("name").asText(),
                    rs.path("metadata").path("annotations").path("deployment.kubernetes.io/revision").asText("?"),
                    rs.path("spec").path("replicas").asInt(),
                    rs.path("spec").path("template").path("spec").path("containers").path(0).path("env").path(0).path("value").asText()));
        }
    }

    private void step(String what, String kubectl) {
        out.println();
        out.println("== " + what);
        out.println("   $ " + kubectl);
        out.flush();
    }

    private void say(String line) {
        out.println("   " + line);
        out.flush();
    }
}
