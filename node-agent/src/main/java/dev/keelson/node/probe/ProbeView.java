package dev.keelson.node.probe;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What probes say about a running container, for the pod status: {@code started} (the startup
 * probe succeeded, or there is none) and {@code ready} (started, and the readiness probe's last
 * verdict is success, or there is none).
 */
public interface ProbeView {
    /** No probes run: every running container is started and ready. */
    ProbeView NONE = new ProbeView() {
        @Override
        public boolean started(JsonNode container, String containerId) {
            return true;
        }

        @Override
        public boolean ready(JsonNode container, String containerId) {
            return true;
        }
    };

    boolean started(JsonNode container, String containerId);

    boolean ready(JsonNode container, String containerId);
}
