package dev.keelson.cli.up;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The objects of the demo: a Deployment of busybox httpd pods, its ClusterIP Service, and client pods. */
final class DemoManifests {
    static final String NAMESPACE = "default";
    static final String APP = "web";
    static final int REPLICAS = 3;
    static final int REQUESTS = 30;
    private static final ObjectMapper JSON = new ObjectMapper();

    private DemoManifests() {
    }

    /** 3 pods serving "hello from POD (VERSION)" on :8080 with busybox httpd. */
    static ObjectNode deployment(String version) {
        return parse("""
                {"apiVersion": "apps/v1", "kind": "Deployment",
                 "metadata": {"name": "%1$s", "namespace": "%2$s", "labels": {"app": "%1$s"}},
                 "spec": {"replicas": %3$d, "selector": {"matchLabels": {"app": "%1$s"}},
                  "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 1}},
                  "template": {"metadata": {"labels": {"app": "%1$s"}},
                   "spec": {"terminationGracePeriodSeconds": 2, "containers": [{"name": "httpd", "image": "%4$s",
                     "imagePullPolicy": "Never",
                     "command": ["sh", "-c", "mkdir -p /www && echo \\"hello from $(hostname) ($VERSION)\\" > /www/index.html && exec httpd -f -p 8080 -h /www"],
                     "env": [{"name": "VERSION", "value": "%5$s"}],
                     "ports": [{"containerPort": 8080, "name": "http"}],
                     "readinessProbe": {"tcpSocket": {"port": 8080}, "periodSeconds": 1}}]}}}}
                """.formatted(APP, NAMESPACE, REPLICAS, DemoImage.REFERENCE, version));
    }

    /** ClusterIP Service web:80 → pods :8080. */
    static ObjectNode service() {
        return parse("""
                {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "%1$s", "namespace": "%2$s"},
                 "spec": {"type": "ClusterIP", "selector": {"app": "%1$s"}, "ports": [{"name": "http", "port": 80, "targetPort": 8080}]}}
                """.formatted(APP, NAMESPACE));
    }

    /**
     * A pod that sends {@value #REQUESTS} HTTP GETs to {@code host}:80, one response body per line,
     * and exits. A name is looked up first with busybox's own resolver ({@code nslookup}, against the
     * pod's resolv.conf); the requests go out with {@code nc}: the Debian static busybox's
     * {@code wget} resolves through glibc's NSS, which a static binary cannot load in a bare rootfs
     * (it crashes), while {@code nslookup} and {@code nc} to an address do not need it.
     */
    static ObjectNode client(String name, String host) {
        String script = "h=" + host + "; case $h in *[a-z]*) h=$(nslookup $h | awk '/^Address: /{a=$2} END{print a}'); "
                + "echo \\\"resolved " + host + " to $h\\\";; esac; "
                + "for i in $(seq " + REQUESTS + "); do printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 $h 80 | tail -n 1 | grep . || echo FAILED; done";
        return parse("""
                {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "%1$s", "namespace": "%2$s"},
                 "spec": {"restartPolicy": "Never", "terminationGracePeriodSeconds": 1, "containers": [{"name": "client", "image": "%3$s",
                   "imagePullPolicy": "Never",
                   "command": ["sh", "-c", "%4$s"]}]}}
                """.formatted(name, NAMESPACE, DemoImage.REFERENCE, script));
    }

    private static ObjectNode parse(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("demo manifest: " + e.getMessage(), e);
        }
    }
}
