package dev.keelson.node.probe;

/** The three probes of a container, named as in the pod spec and in the kubelet's events. */
public enum ProbeKind {
    LIVENESS("livenessProbe", "Liveness"),
    READINESS("readinessProbe", "Readiness"),
    STARTUP("startupProbe", "Startup");

    private final String field;
    private final String title;

    ProbeKind(String field, String title) {
        this.field = field;
        this.title = title;
    }

    /** The container field holding this probe ({@code livenessProbe}…). */
    public String field() {
        return field;
    }

    /** "Liveness", "Readiness", "Startup", as in {@code Liveness probe failed: …}. */
    public String title() {
        return title;
    }
}
