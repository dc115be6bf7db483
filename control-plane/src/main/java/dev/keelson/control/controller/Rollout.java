package dev.keelson.control.controller;

import com.fasterxml.jackson.databind.JsonNode;

/** The arithmetic of a rolling update: maxSurge / maxUnavailable as counts. */
final class Rollout {
    private Rollout() {}

    /** An IntOrString such as 1 or "25%" of {@code total}; percentages round up or down. */
    static int resolve(JsonNode value, int total, boolean roundUp, int dflt) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return dflt;
        }
        if (value.isInt()) {
            return value.asInt();
        }
        String s = value.asText().trim();
        if (s.endsWith("%")) {
            double pct = Double.parseDouble(s.substring(0, s.length() - 1));
            double v = pct * total / 100.0;
            return (int) (roundUp ? Math.ceil(v) : Math.floor(v));
        }
        return Integer.parseInt(s);
    }

    /** {maxSurge, maxUnavailable} of a RollingUpdate strategy for {@code replicas}. */
    static int[] limits(JsonNode rollingUpdate, int replicas) {
        int surge = resolve(rollingUpdate.get("maxSurge"), replicas, true, (int) Math.ceil(replicas * 0.25));
        int unavailable = resolve(rollingUpdate.get("maxUnavailable"), replicas, false, (int) Math.floor(replicas * 0.25));
        if (surge == 0 && unavailable == 0) {
            unavailable = 1;
        }
        return new int[] {surge, Math.min(unavailable, replicas)};
    }

    static int revision(JsonNode rs) {
        try {
            return Integer.parseInt(rs.path("metadata").path("annotations").path(DeploymentController.REVISION).asText("0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
