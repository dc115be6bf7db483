package dev.keelson.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * What a user does with kubectl against a running {@code keelson up}, each step asserted on what
 * kubectl prints: a Deployment rolled out and undone, a broken container restarted by its liveness
 * probe and kept out of its Service by its readiness probe, configMap and secret volumes and env,
 * logs and exec with exit statuses. Every object is made in its own namespace, deleted at the end.
 */
final class ClusterScenarios {
    static final String IMAGE = "keelson.local/busybox:1.0";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final UpProcess c;

    ClusterScenarios(UpProcess c) {
        this.c = c;
    }

    /**
     * Deployment {@code roll} (revision 1, VERSION=v1) → {@code kubectl set env VERSION=v2} → rollout
     * status → every pod says v2 → {@code kubectl rollout undo} → revision 3 has v1 again, and the
     * v1 ReplicaSet is the one scaled up.
     */
    void rolloutAndUndo(int replicas) throws Exception {
        String ns = namespace("rollout");
        c.kubectlWithInput("""
                {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "roll", "namespace": "%s"},
                 "spec": {"replicas": %d, "selector": {"matchLabels": {"app": "roll"}},
                  "strategy": {"rollingUpdate": {"maxUnavailable": 1, "maxSurge": 1}},
                  "template": {"metadata": {"labels": {"app": "roll"}},
                   "spec": {"terminationGracePeriodSeconds": 1,
                    "containers": [{"name": "main", "image": "%s", "imagePullPolicy": "Never",
                     "env": [{"name": "VERSION", "value": "v1"}], "command": ["sleep", "3600"]}]}}}}
                """.formatted(ns, replicas, IMAGE), "apply", "-f", "-");
        rolledOut(ns);
        assertEquals(List.of("v1"), versions(ns, replicas));
        String v1Set = c.kubectl("get", "rs", "-n", ns, "-o", "jsonpath={.items[0].metadata.name}");

        ok("set", "env", "-n", ns, "deployment/roll", "VERSION=v2");
        rolledOut(ns);
        assertEquals(List.of("v2"), versions(ns, replicas), "after set env every pod runs v2");
        assertEquals("2", c.kubectl("get", "deployment", "roll", "-n", ns, "-o",
                "jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}"));

        String undo = ok("rollout", "undo", "-n", ns, "deployment/roll");
        assertTrue(undo.contains("rolled back"), undo);
        rolledOut(ns);
        assertEquals(List.of("v1"), versions(ns, replicas), "after undo every pod runs v1 again");
        assertEquals(Integer.toString(replicas), c.kubectl("get", "rs", v1Set, "-n", ns, "-o", "jsonpath={.status.readyReplicas}"),
                "the v1 ReplicaSet is scaled up again");
        String history = ok("rollout", "history", "-n", ns, "deployment/roll");
        assertTrue(history.contains("2 ") && history.contains("3 ") && !history.lines().anyMatch(l -> l.startsWith("1 ")),
                "undo makes revision 3 out of revision 1:\n" + history);
        deleteNamespace(ns);
    }

    /**
     * A container that deletes its health file after 3 s is restarted by its liveness probe (exec);
     * a pod whose readiness probe (HTTP GET) fails stays out of its Service's endpoints while a
     * ready one is in.
     */
    void probes() throws Exception {
        String ns = namespace("probes");
        c.kubectlWithInput(list("""
                {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "flaky", "namespace": "%1$s"},
                 "spec": {"terminationGracePeriodSeconds": 1,
                  "containers": [{"name": "main", "image": "%2$s", "imagePullPolicy": "Never",
                   "command": ["sh", "-c", "touch /tmp/healthy; sleep 3; rm /tmp/healthy; sleep 3600"],
                   "livenessProbe": {"exec": {"command": ["cat", "/tmp/healthy"]}, "periodSeconds": 1, "failureThreshold": 2}}]}}
                """.formatted(ns, IMAGE), httpd(ns, "ready", "/www/healthz"), httpd(ns, "unready", "/www/other"), """
                {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "%s"},
                 "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 8080}]}}
                """.formatted(ns)), "apply", "-f", "-");
        assertTrue(UpProcess.await(90_000, () -> restarts(ns, "flaky") >= 1),
                "the liveness probe never restarted flaky: " + c.kubectl("describe", "pod", "flaky", "-n", ns));
        String events = c.kubectl("get", "events", "-n", ns, "--field-selector", "involvedObject.name=flaky");
        assertTrue(events.contains("Liveness probe failed") || events.contains("Unhealthy"), events);
        assertTrue(events.contains("failed liveness probe, will be restarted"), events);

        assertTrue(c.awaitText("True", "get", "pod", "ready", "-n", ns, "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}"),
                c.kubectl("describe", "pod", "ready", "-n", ns));
        String readyIp = c.kubectl("get", "pod", "ready", "-n", ns, "-o", "jsonpath={.status.podIP}");
        assertTrue(c.awaitText(readyIp, "get", "endpoints", "web", "-n", ns, "-o", "jsonpath={.subsets[*].addresses[*].ip}"),
                "only the ready pod is an endpoint: " + c.kubectl("get", "endpoints", "web", "-n", ns, "-o", "yaml"));
        assertEquals("False", c.kubectl("get", "pod", "unready", "-n", ns, "-o",
                "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}"));
        String unreadyIp = c.kubectl("get", "pod", "unready", "-n", ns, "-o", "jsonpath={.status.podIP}");
        assertTrue(c.kubectl("get", "endpoints", "web", "-n", ns, "-o", "jsonpath={.subsets[*].notReadyAddresses[*].ip}")
                .contains(unreadyIp), c.kubectl("get", "endpoints", "web", "-n", ns, "-o", "yaml"));
        deleteNamespace(ns);
    }

    /**
     * configMap and secret as volumes (the secret's files 0400 unless the pod says otherwise) and as
     * env (configMapKeyRef, secretKeyRef), read back with kubectl exec.
     */
    void configMapAndSecret() throws Exception {
        String ns = namespace("config");
        ok("create", "configmap", "settings", "-n", ns, "--from-literal=greeting=hello there", "--from-literal=level=3");
        ok("create", "secret", "generic", "creds", "-n", ns, "--from-literal=password=s3cr3t");
        c.kubectlWithInput("""
                {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "reader", "namespace": "%s"},
                 "spec": {"terminationGracePeriodSeconds": 1,
                  "volumes": [{"name": "settings", "configMap": {"name": "settings"}},
                              {"name": "creds", "secret": {"secretName": "creds"}}],
                  "containers": [{"name": "main", "image": "%s", "imagePullPolicy": "Never", "command": ["sleep", "3600"],
                   "env": [{"name": "LEVEL", "valueFrom": {"configMapKeyRef": {"name": "settings", "key": "level"}}},
                           {"name": "PASSWORD", "valueFrom": {"secretKeyRef": {"name": "creds", "key": "password"}}}],
                   "volumeMounts": [{"name": "settings", "mountPath": "/etc/settings"},
                                    {"name": "creds", "mountPath": "/etc/creds", "readOnly": true}]}]}}
                """.formatted(ns, IMAGE), "apply", "-f", "-");
        running(ns, "reader");
        assertEquals("hello there", ok("exec", "reader", "-n", ns, "--", "cat", "/etc/settings/greeting"));
        assertEquals("s3cr3t", ok("exec", "reader", "-n", ns, "--", "cat", "/etc/creds/password"));
        assertEquals("400", ok("exec", "reader", "-n", ns, "--", "stat", "-L", "-c", "%a", "/etc/creds/password"),
                "a secret's files are 0400 by default");
        assertEquals("3 s3cr3t", ok("exec", "reader", "-n", ns, "--", "sh", "-c", "echo $LEVEL $PASSWORD"));
        UpProcess.Result write = c.kubectlResult(null, "exec", "reader", "-n", ns, "--", "sh", "-c", "echo x > /etc/creds/new");
        assertTrue(write.rc() != 0 && write.out().contains("Read-only file system"), "the secret mount is read-only: " + write);
        deleteNamespace(ns);
    }

    /**
     * kubectl logs (all, --tail, after a restart --previous; stdout and stderr are separate pipes, so
     * the stderr line comes half a second later to have a defined order) and exec (output, exit status passed
     * through as kubectl's own, an unknown container refused by name).
     */
    void logsAndExec() throws Exception {
        String ns = namespace("logs");
        c.kubectlWithInput("""
                {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "talker", "namespace": "%s"},
                 "spec": {"terminationGracePeriodSeconds": 1,
                  "containers": [{"name": "main", "image": "%s", "imagePullPolicy": "Never",
                   "command": ["sh", "-c", "for i in 1 2 3 4 5; do echo line $i; done; sleep 0.5; echo oops >&2; sleep 3600"]}]}}
                """.formatted(ns, IMAGE), "apply", "-f", "-");
        running(ns, "talker");
        assertTrue(UpProcess.await(20_000, () -> logs(ns, "talker").contains("oops")), logs(ns, "talker"));
        assertEquals("line 1\nline 2\nline 3\nline 4\nline 5\noops", logs(ns, "talker"));
        assertEquals("line 5\noops", ok("logs", "talker", "-n", ns, "--tail=2"));
        assertEquals("talker", ok("exec", "talker", "-n", ns, "--", "hostname"));
        UpProcess.Result exit = c.kubectlResult(null, "exec", "talker", "-n", ns, "--", "sh", "-c", "echo before; exit 3");
        assertEquals(3, exit.rc(), "kubectl exec exits with the command's status: " + exit);
        assertTrue(exit.out().contains("before"), exit.out());
        UpProcess.Result wrong = c.kubectlResult(null, "exec", "talker", "-n", ns, "-c", "nope", "--", "true");
        assertTrue(wrong.rc() != 0 && wrong.out().contains("nope"), "an unknown container is named: " + wrong);

        ok("exec", "talker", "-n", ns, "--", "kill", "1");
        assertTrue(UpProcess.await(60_000, () -> restarts(ns, "talker") >= 1 && podRunning(ns, "talker")),
                c.kubectl("describe", "pod", "talker", "-n", ns));
        assertTrue(ok("logs", "talker", "-n", ns, "--previous").startsWith("line 1"), "the previous container's log");
        deleteNamespace(ns);
    }

    /**
     * Lifecycle handlers and graceful termination, seen in a hostPath file the handlers and the
     * container append to: postStart runs after the start, preStop runs before SIGTERM (which the
     * container traps), in that order; a failing postStart handler gets the container killed and
     * restarted, with a FailedPostStartHook event.
     */
    void lifecycleHooks(java.nio.file.Path hostDir) throws Exception {
        String ns = namespace("hooks");
        c.kubectlWithInput(list("""
                {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "hooked", "namespace": "%1$s"},
                 "spec": {"terminationGracePeriodSeconds": 20,
                  "volumes": [{"name": "h", "hostPath": {"path": "%2$s", "type": "DirectoryOrCreate"}}],
                  "containers": [{"name": "main", "image": "%3$s", "imagePullPolicy": "Never",
                   "volumeMounts": [{"name": "h", "mountPath": "/h"}],
                   "command": ["sh", "-c", "trap 'echo term >> /h/log; exit 0' TERM; while true; do sleep 0.2; done"],
                   "lifecycle": {"postStart": {"exec": {"command": ["sh", "-c", "echo poststart >> /h/log"]}},
                                 "preStop": {"exec": {"command": ["sh", "-c", "echo prestop >> /h/log"]}}}}]}}
                """.formatted(ns, hostDir, IMAGE), """
                {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "badstart", "namespace": "%1$s"},
                 "spec": {"terminationGracePeriodSeconds": 1,
                  "containers": [{"name": "main", "image": "%2$s", "imagePullPolicy": "Never", "command": ["sleep", "3600"],
                   "lifecycle": {"postStart": {"exec": {"command": ["sh", "-c", "exit 7"]}}}}]}}
                """.formatted(ns, IMAGE)), "apply", "-f", "-");
        running(ns, "hooked");
        java.nio.file.Path log = hostDir.resolve("log");
        assertTrue(UpProcess.await(20_000, () -> read(log).equals("poststart\n")), "postStart ran once: " + read(log));
        ok("delete", "pod", "hooked", "-n", ns, "--wait=true", "--timeout=60s");
        assertEquals("poststart\nprestop\nterm\n", read(log), "preStop runs before SIGTERM");

        assertTrue(UpProcess.await(60_000, () -> restarts(ns, "badstart") >= 1),
                "a failed postStart kills the container: " + c.kubectl("describe", "pod", "badstart", "-n", ns));
        String events = c.kubectl("get", "events", "-n", ns, "--field-selector", "involvedObject.name=badstart");
        assertTrue(events.contains("FailedPostStartHook"), events);
        deleteNamespace(ns);
    }

    private static String read(java.nio.file.Path file) {
        try {
            return java.nio.file.Files.exists(file) ? java.nio.file.Files.readString(file) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }

    /**
     * Interactive streams through the API server, the node agent and the runtime's streaming server,
     * with kubectl 1.33 (WebSocket first, SPDY as its fallback) and kubectl 1.20 (SPDY only):
     * {@code exec -i … cat} with 30 KB piped in gives the same bytes back; exit statuses with and
     * without stdin; {@code exec -it} under a pty ({@code script}) sees a terminal and reads a typed
     * line; {@code attach -i} to a {@code stdin_once} shell runs the piped command, and the shell
     * ends with its input; {@code port-forward} serves the
     * pod's httpd page over two connections (kubectl 1.33 through its SPDY-in-WebSocket tunnel, no
     * fallback).
     */
    void interactiveExecAndPortForward() throws Exception {
        String ns = namespace("streams");
        c.kubectlWithInput("""
                {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "streamer", "namespace": "%s"},
                 "spec": {"terminationGracePeriodSeconds": 1,
                  "containers": [{"name": "web", "image": "%s", "imagePullPolicy": "Never",
                   "command": ["sh", "-c", "mkdir -p /www && echo page of streamer > /www/index.html && exec httpd -f -p 8080 -h /www"]}]}}
                """.formatted(ns, IMAGE), "apply", "-f", "-");
        running(ns, "streamer");
        for (String kubectl : List.of(UpProcess.KUBECTL, UpProcess.KUBECTL_120)) {
            String who = kubectl.contains("1.20") ? "kubectl 1.20" : "kubectl 1.33";
            StringBuilder input = new StringBuilder();
            for (int i = 0; i < 1500; i++) {
                input.append("line ").append(i).append(" through ").append(who).append('\n');
            }
            UpProcess.Result cat = c.kubectlWith(kubectl, input.toString(), "exec", "-i", "streamer", "-n", ns, "--", "cat");
            assertEquals(0, cat.rc(), who + " exec -i cat: " + cat.out().lines().limit(5).toList());
            assertEquals(input.toString().strip(), cat.out(), who + ": exec -i cat gives its input back");

            UpProcess.Result five = c.kubectlWith(kubectl, null, "exec", "streamer", "-n", ns, "--", "sh", "-c", "exit 5");
            assertEquals(5, five.rc(), who + ": " + five);
            UpProcess.Result seven = c.kubectlWith(kubectl, "abc\n", "exec", "-i", "streamer", "-n", ns, "--",
                    "sh", "-c", "read a; echo got $a; exit 7");
            assertEquals(7, seven.rc(), who + " exec -i with an exit status: " + seven);
            assertEquals("got abc", seven.out().lines().findFirst().orElse(""), who + " exec -i with an exit status: " + seven);

            UpProcess.Result tty = terminal(kubectl, ns);
            String runtimeSaid = c.log().lines().filter(l -> l.contains("keelson cri:")).collect(java.util.stream.Collectors.joining("\n"));
            assertEquals(3, tty.rc(), who + " exec -it: " + tty + "\n" + runtimeSaid);
            assertTrue(tty.out().contains("/dev/pts/") && tty.out().contains("got:hi"), who + " exec -it: " + tty + "\n" + runtimeSaid);

            // kubectl run -it: a pod whose container has a terminal, attached to with one
            String term = "term-" + (kubectl.contains("1.20") ? "120" : "133");
            UpProcess.Result run = typed(kubectl + " --kubeconfig " + c.kubeconfig + " run " + term + " -n " + ns + " --image=" + IMAGE
                    + " --image-pull-policy=Never --restart=Never -it -- sh -c 'stty size; read a; echo got:$a; exit 3'",
                    "If you don't see a command prompt");
            assertTrue(run.out().contains("got:hi"), who + " run -it: " + run + "\n" + c.kubectl("describe", "pod", term, "-n", ns));
            assertTrue(c.awaitText("3", "get", "pod", term, "-n", ns, "-o",
                    "jsonpath={.status.containerStatuses[0].state.terminated.exitCode}"), who + " run -it: the exit code reaches the pod");

            String shell = "shell-" + (kubectl.contains("1.20") ? "120" : "133");
            c.kubectlWithInput("""
                    {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "%s", "namespace": "%s"},
                     "spec": {"restartPolicy": "Never", "terminationGracePeriodSeconds": 1,
                      "containers": [{"name": "sh", "image": "%s", "imagePullPolicy": "Never", "command": ["sh"],
                       "stdin": true, "stdinOnce": true}]}}
                    """.formatted(shell, ns, IMAGE), "apply", "-f", "-");
            running(ns, shell);
            UpProcess.Result attach = c.kubectlWith(kubectl, "echo hello from attach\n", "attach", "-i", shell, "-n", ns);
            assertEquals(0, attach.rc(), who + " attach -i: " + attach);
            assertTrue(attach.out().contains("hello from attach"), who + " attach -i runs the input in the container: " + attach);
            assertTrue(c.awaitText("Succeeded", "get", "pod", shell, "-n", ns, "-o", "jsonpath={.status.phase}"),
                    who + ": stdin_once ends the shell after attach's input: " + c.kubectl("describe", "pod", shell, "-n", ns));

            portForward(kubectl, who, ns);
        }
        deleteNamespace(ns);
    }

    /** {@code kubectl exec -it} under {@code script}'s pty: the line is typed once the shell shows its terminal. */
    private UpProcess.Result terminal(String kubectl, String ns) throws Exception {
        return typed(kubectl + " --kubeconfig " + c.kubeconfig + " exec -it streamer -n " + ns
                + " -- sh -c 'tty; read a; echo got:$a; exit 3'", "/dev/pts/");
    }

    /** {@code cmd} under {@code script}'s pty; "hi" and Enter are typed once {@code ready} shows. */
    private UpProcess.Result typed(String cmd, String ready) throws Exception {
        Process p = new ProcessBuilder("script", "-qec", cmd, "/dev/null").redirectErrorStream(true).start();
        StringBuffer seen = new StringBuffer();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (var in = p.getInputStream()) {
                byte[] b = new byte[4096];
                for (int n; (n = in.read(b)) > 0; ) {
                    seen.append(new String(b, 0, n, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // the process ended
            }
        });
        try (var typing = p.getOutputStream()) {
            boolean shown = UpProcess.await(60_000, () -> seen.indexOf(ready) >= 0);
            if (shown) {
                typing.write("hi\r".getBytes(StandardCharsets.UTF_8));
                typing.flush();
            }
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor();
            }
        }
        reader.join(5_000);
        return new UpProcess.Result(p.exitValue(), seen.toString().strip());
    }

    /** {@code kubectl port-forward pod/streamer LOCAL:8080}, then two GETs of the page through it. */
    private void portForward(String kubectl, String who, String ns) throws Exception {
        int local;
        try (var probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            local = probe.getLocalPort();
        }
        // -v=6 shows whether kubectl 1.33 had to fall back from its WebSocket tunnel to SPDY
        Process pf = new ProcessBuilder(kubectl, "--kubeconfig", c.kubeconfig.toString(), "-v=6", "port-forward", "pod/streamer",
                "-n", ns, "--address", "127.0.0.1", local + ":8080").redirectErrorStream(true).start();
        StringBuffer said = new StringBuffer();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (var in = pf.inputReader()) {
                for (String l; (l = in.readLine()) != null; ) {
                    said.append(l).append('\n');
                }
            } catch (IOException e) {
                // kubectl ended
            }
        });
        try {
            assertTrue(UpProcess.await(30_000, () -> said.indexOf("Forwarding from") >= 0 || !pf.isAlive()),
                    who + " port-forward never listened: " + said);
            assertTrue(pf.isAlive(), who + " port-forward ended: " + said);
            for (int i = 0; i < 2; i++) {
                String reply = httpGet(local);
                assertTrue(reply.startsWith("HTTP/1.") && reply.contains("page of streamer"),
                        who + " GET " + i + " through port-forward: " + reply + "\nkubectl: " + said);
            }
        } finally {
            pf.destroy();
            pf.waitFor(10, TimeUnit.SECONDS);
            pf.destroyForcibly();
            reader.join(5_000);
        }
        assertTrue(said.toString().lines().noneMatch(l -> l.startsWith("E1") || l.contains("error forwarding")),
                who + " port-forward: " + said);
        assertTrue(!said.toString().contains("fallback to secondary dialer"),
                who + " port-forward used its first choice (1.33: SPDY tunnelled in a WebSocket): " + said);
    }

    private static String httpGet(int port) throws IOException {
        try (var s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write("GET /index.html HTTP/1.0\r\nHost: streamer\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    // ------------------------------------------------------------------ helpers

    private String namespace(String name) throws Exception {
        ok("create", "namespace", name);
        return name;
    }

    private void deleteNamespace(String ns) throws Exception {
        ok("delete", "namespace", ns, "--wait=true", "--timeout=120s");
    }

    /** kubectl that must succeed; its output. */
    private String ok(String... args) throws Exception {
        UpProcess.Result r = c.kubectlResult(null, args);
        assertEquals(0, r.rc(), "kubectl " + String.join(" ", args) + ":\n" + r.out());
        return r.out();
    }

    private void rolledOut(String ns) throws Exception {
        UpProcess.Result r = c.kubectlResult(null, "rollout", "status", "-n", ns, "deployment/roll", "--timeout=120s");
        assertEquals(0, r.rc(), r.out() + "\n" + c.kubectl("get", "pods,rs", "-n", ns, "-o", "wide"));
        assertTrue(r.out().contains("successfully rolled out"), r.out());
    }

    /** The distinct VERSION values of the running pods, once there are exactly {@code replicas} of them. */
    private List<String> versions(String ns, int replicas) throws Exception {
        List<String> names = new ArrayList<>();
        assertTrue(UpProcess.await(60_000, () -> {
            names.clear();
            names.addAll(livePods(ns));
            return names.size() == replicas;
        }), "old pods never went: " + c.kubectl("get", "pods", "-n", ns));
        TreeSet<String> seen = new TreeSet<>();
        for (String pod : names) {
            seen.add(ok("exec", pod, "-n", ns, "--", "sh", "-c", "echo $VERSION"));
        }
        return List.copyOf(seen);
    }

    private List<String> livePods(String ns) {
        try {
            List<String> out = new ArrayList<>();
            for (JsonNode p : JSON.readTree(c.kubectl("get", "pods", "-n", ns, "-o", "json")).path("items")) {
                if (!p.path("metadata").has("deletionTimestamp") && p.path("status").path("phase").asText().equals("Running")) {
                    out.add(p.path("metadata").path("name").asText());
                }
            }
            return out;
        } catch (Exception e) {
            return List.of();
        }
    }

    private void running(String ns, String pod) throws Exception {
        assertTrue(c.awaitText("Running", "get", "pod", pod, "-n", ns, "-o", "jsonpath={.status.phase}"),
                c.kubectl("describe", "pod", pod, "-n", ns));
    }

    private boolean podRunning(String ns, String pod) {
        try {
            return c.kubectl("get", "pod", pod, "-n", ns, "-o", "jsonpath={.status.containerStatuses[0].state.running.startedAt}")
                    .length() > 0;
        } catch (Exception e) {
            return false;
        }
    }

    private int restarts(String ns, String pod) {
        try {
            String n = c.kubectl("get", "pod", pod, "-n", ns, "-o", "jsonpath={.status.containerStatuses[0].restartCount}");
            return n.isEmpty() ? 0 : Integer.parseInt(n);
        } catch (Exception e) {
            return 0;
        }
    }

    private String logs(String ns, String pod) {
        try {
            return c.kubectl("logs", pod, "-n", ns);
        } catch (Exception e) {
            return "";
        }
    }

    /** A busybox httpd pod labelled app=web whose readiness probe GETs /healthz: ready only when {@code page} is that file. */
    private static String httpd(String ns, String name, String page) {
        return """
                {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "%s", "namespace": "%s", "labels": {"app": "web"}},
                 "spec": {"terminationGracePeriodSeconds": 1,
                  "containers": [{"name": "httpd", "image": "%s", "imagePullPolicy": "Never",
                   "command": ["sh", "-c", "mkdir -p /www && echo ok > %s && exec httpd -f -p 8080 -h /www"],
                   "ports": [{"containerPort": 8080}],
                   "readinessProbe": {"httpGet": {"path": "/healthz", "port": 8080}, "periodSeconds": 1}}]}}
                """.formatted(name, ns, IMAGE, page);
    }

    /** Objects as one v1 List, so kubectl applies them from one JSON document. */
    static String list(String... objects) {
        return "{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [" + String.join(",", objects) + "]}";
    }
}
