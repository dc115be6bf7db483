package dev.keelson.cli.up;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.control.client.ApiException;
import dev.keelson.control.client.KubeClient;
import dev.keelson.control.client.Resource;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/** The demo's waits, polling the API server; each gives up after {@link #TIMEOUT_MS} with a message saying what it saw. */
final class DemoWait {
    private static final long TIMEOUT_MS = 180_000;
    private final KubeClient api;
    private final PrintWriter out;

    DemoWait(KubeClient api, PrintWriter out) {
        this.api = api;
        this.out = out;
    }

    /** Until exactly 3 pods of the app exist (none terminating), all Ready and all running {@code version}. */
    void rolledOut(String version) throws Exception {
        until("3 ready pods of version " + version, () -> {
            List<JsonNode> pods = live();
            boolean done = pods.size() == DemoManifests.REPLICAS && pods.stream().allMatch(p -> ready(p) && version(p).equals(version));
            return done ? null : describe(pods);
        });
    }

    /** Names of the app's live, Ready pods. */
    List<String> readyPods() {
        return live().stream().filter(DemoWait::ready).map(p -> p.path("metadata").path("name").asText()).toList();
    }

    /** Until 3 Ready pods exist and {@code victim} is not one of them; returns their names. */
    List<String> replaced(List<String> before, String victim) throws Exception {
        until("a replacement for " + victim, () -> {
            List<String> now = readyPods();
            return now.size() == DemoManifests.REPLICAS && !now.contains(victim) ? null : describe(live());
        });
        return readyPods();
    }

    /** Until pod {@code name} has phase Succeeded or Failed; returns it. */
    JsonNode finished(String name) throws Exception {
        JsonNode[] last = new JsonNode[1];
        until("pod " + name + " to finish", () -> {
            last[0] = api.get(Resource.PODS, DemoManifests.NAMESPACE, name);
            String phase = last[0].path("status").path("phase").asText();
            return phase.equals("Succeeded") || phase.equals("Failed") ? null : "phase " + phase;
        });
        return last[0];
    }

    void printPods() {
        for (JsonNode p : live()) {
            out.printf("     pod %-28s %-12s %-4s %s%n", p.path("metadata").path("name").asText(), p.path("status").path("podIP").asText("-"),
                    version(p), ready(p) ? "Ready" : p.path("status").path("phase").asText());
        }
        out.flush();
    }

    private List<JsonNode> live() {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode p : api.list(Resource.PODS, DemoManifests.NAMESPACE, "labelSelector=app%3D" + DemoManifests.APP).path("items")) {
            if (p.path("metadata").path("deletionTimestamp").isMissingNode()) {
                out.add(p);
            }
        }
        out.sort(java.util.Comparator.comparing(p -> p.path("metadata").path("name").asText()));
        return out;
    }

    private static boolean ready(JsonNode pod) {
        for (JsonNode c : pod.path("status").path("conditions")) {
            if (c.path("type").asText().equals("Ready")) {
                return c.path("status").asText().equals("True");
            }
        }
        return false;
    }

    private static String version(JsonNode pod) {
        return pod.path("spec").path("containers").path(0).path("env").path(0).path("value").asText("?");
    }

    private static String describe(List<JsonNode> pods) {
        StringBuilder b = new StringBuilder();
        for (JsonNode p : pods) {
            b.append(p.path("metadata").path("name").asText()).append('=').append(version(p)).append('/')
                    .append(ready(p) ? "Ready" : p.path("status").path("phase").asText()).append(' ');
        }
        return b.length() == 0 ? "no pods" : b.toString().strip();
    }

    /** Polls {@code check} (null when done, else what it sees) every 300 ms, printing what it sees every 15 s. */
    private void until(String what, Supplier<String> check) throws Exception {
        long start = System.currentTimeMillis();
        long lastSaid = start;
        String seen = "";
        while (System.currentTimeMillis() - start < TIMEOUT_MS) {
            try {
                seen = check.get();
            } catch (ApiException e) {
                seen = e.getMessage();
            }
            if (seen == null) {
                return;
            }
            if (System.currentTimeMillis() - lastSaid > 15_000) {
                out.println("     waiting for " + what + ": " + seen);
                out.flush();
                lastSaid = System.currentTimeMillis();
            }
            Thread.sleep(300);
        }
        throw new TimeoutException("gave up waiting " + TIMEOUT_MS / 1000 + " s for " + what + "; last seen: " + seen);
    }
}
