package dev.keelson.control.schema;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Validation of Deployments, ReplicaSets, DaemonSets and Jobs, worded like Kubernetes'
 * {@code ValidateDeploymentSpec}, {@code ValidateReplicaSetSpec}, {@code ValidateDaemonSetSpec}
 * and {@code ValidateJobSpec}.
 */
final class WorkloadValidation {
    private WorkloadValidation() {}

    static void deployment(JsonNode d, FieldErrors errs) {
        JsonNode spec = d.path("spec");
        nonNegative(spec, "replicas", errs);
        nonNegative(spec, "revisionHistoryLimit", errs);
        nonNegative(spec, "minReadySeconds", errs);
        selectorAndTemplate(spec, "deployment", List.of("Always"), true, errs);
        JsonNode strategy = spec.path("strategy");
        String type = strategy.path("type").asText("");
        if (type.equals("Recreate")) {
            if (strategy.has("rollingUpdate") && !strategy.get("rollingUpdate").isNull()) {
                errs.forbidden("spec.strategy.rollingUpdate", "may not be specified when strategy `type` is 'Recreate'");
            }
        } else if (type.equals("RollingUpdate")) {
            rollingUpdate(strategy.path("rollingUpdate"), "spec.strategy.rollingUpdate", errs);
        } else {
            errs.notSupported("spec.strategy.type", type, List.of("Recreate", "RollingUpdate"));
        }
        JsonNode deadline = spec.path("progressDeadlineSeconds");
        if (deadline.isNumber() && deadline.asLong() <= spec.path("minReadySeconds").asLong(0)) {
            errs.invalid("spec.progressDeadlineSeconds", deadline.asLong(), "must be greater than minReadySeconds");
        }
    }

    static void replicaSet(JsonNode rs, FieldErrors errs) {
        JsonNode spec = rs.path("spec");
        nonNegative(spec, "replicas", errs);
        nonNegative(spec, "minReadySeconds", errs);
        selectorAndTemplate(spec, "replicaset", List.of("Always"), true, errs);
    }

    static void daemonSet(JsonNode ds, FieldErrors errs) {
        JsonNode spec = ds.path("spec");
        nonNegative(spec, "revisionHistoryLimit", errs);
        nonNegative(spec, "minReadySeconds", errs);
        selectorAndTemplate(spec, "daemonset", List.of("Always"), true, errs);
        String type = spec.path("updateStrategy").path("type").asText("");
        if (!List.of("OnDelete", "RollingUpdate").contains(type)) {
            errs.notSupported("spec.updateStrategy.type", type, List.of("OnDelete", "RollingUpdate"));
        }
    }

    static void job(JsonNode job, FieldErrors errs) {
        JsonNode spec = job.path("spec");
        for (String f : List.of("parallelism", "completions", "backoffLimit", "activeDeadlineSeconds",
                "ttlSecondsAfterFinished")) {
            nonNegative(spec, f, errs);
        }
        boolean manual = spec.path("manualSelector").asBoolean(false);
        selectorAndTemplate(spec, "job", List.of("OnFailure", "Never"), manual, errs);
        String mode = spec.path("completionMode").asText("");
        if (!mode.isEmpty() && !List.of("NonIndexed", "Indexed").contains(mode)) {
            errs.notSupported("spec.completionMode", mode, List.of("NonIndexed", "Indexed"));
        }
        if (mode.equals("Indexed") && !spec.path("completions").isNumber()) {
            errs.required("spec.completions", "when completion mode is Indexed");
        }
    }

    /**
     * The rules every pod controller shares: a selector that is present (when required), not
     * empty and matches the template's labels; a valid template; an allowed restart policy.
     */
    private static void selectorAndTemplate(JsonNode spec, String what, List<String> restartPolicies,
                                            boolean selectorRequired, FieldErrors errs) {
        JsonNode selector = spec.path("selector");
        JsonNode template = spec.path("template");
        JsonNode labels = template.path("metadata").path("labels");
        if (selector.isMissingNode() || selector.isNull()) {
            if (selectorRequired) {
                errs.required("spec.selector", null);
            }
        } else {
            MetaValidation.selector(selector, "spec.selector", errs);
            if (MetaValidation.isEmptySelector(selector)) {
                errs.invalid("spec.selector", new FieldErrors.Raw(selector.toString()), "empty selector is invalid for " + what);
            } else if (!MetaValidation.matches(selector, labels)) {
                errs.invalid("spec.template.metadata.labels", new FieldErrors.Raw(MetaValidation.goStringMap(labels)),
                        "`selector` does not match template `labels`");
            }
        }
        MetaValidation.labels(labels, "spec.template.metadata.labels", errs);
        MetaValidation.annotations(template.path("metadata").path("annotations"), "spec.template.metadata.annotations", errs);
        if (template.isMissingNode()) {
            errs.required("spec.template", null);
            return;
        }
        PodValidation.spec(template.path("spec"), "spec.template.spec", errs);
        String restart = template.path("spec").path("restartPolicy").asText("");
        if (!restart.isEmpty() && PodValidation.RESTART_POLICIES.contains(restart) && !restartPolicies.contains(restart)) {
            errs.notSupported("spec.template.spec.restartPolicy", restart, restartPolicies);
        }
    }

    private static void rollingUpdate(JsonNode ru, String path, FieldErrors errs) {
        JsonNode maxUnavailable = ru.path("maxUnavailable");
        JsonNode maxSurge = ru.path("maxSurge");
        intOrPercent(maxUnavailable, path + ".maxUnavailable", errs);
        intOrPercent(maxSurge, path + ".maxSurge", errs);
        if (isZero(maxUnavailable) && isZero(maxSurge)) {
            errs.invalid(path + ".maxUnavailable", new FieldErrors.Raw(render(maxUnavailable)), "may not be 0 when `maxSurge` is 0");
        }
        if (maxUnavailable.isTextual() && percent(maxUnavailable.asText()) > 100) {
            errs.invalid(path + ".maxUnavailable", maxUnavailable.asText(), "must not be greater than 100%");
        }
    }

    private static void intOrPercent(JsonNode v, String path, FieldErrors errs) {
        if (v.isIntegralNumber() && v.asLong() < 0) {
            errs.invalid(path, v.asLong(), "must be greater than or equal to 0");
        } else if (v.isTextual() && percent(v.asText()) < 0) {
            errs.invalid(path, v.asText(), NameRules.regexError(
                    "a valid percent string must be a numeric string followed by an ending '%'", "[0-9]+%", "1%", "93%"));
        }
    }

    /** The percentage of a "NN%" string, or -1 if it is not one. */
    private static long percent(String s) {
        if (!s.matches("[0-9]+%")) {
            return -1;
        }
        try {
            return Long.parseLong(s.substring(0, s.length() - 1));
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    private static boolean isZero(JsonNode v) {
        return v.isMissingNode() || v.isNull() || (v.isIntegralNumber() && v.asLong() == 0)
                || (v.isTextual() && (v.asText().equals("0") || v.asText().equals("0%")));
    }

    private static String render(JsonNode v) {
        return v.isTextual() ? FieldErrors.quote(v.asText()) : v.isMissingNode() ? "0" : v.toString();
    }

    static void nonNegative(JsonNode spec, String field, FieldErrors errs) {
        JsonNode v = spec.path(field);
        if (v.isNumber() && v.asLong() < 0) {
            errs.invalid("spec." + field, v.asLong(), "must be greater than or equal to 0");
        }
    }
}
