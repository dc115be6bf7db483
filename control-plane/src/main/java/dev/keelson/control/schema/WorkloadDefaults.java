package dev.keelson.control.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Defaults of the workload kinds: apps/v1 {@code SetDefaults_Deployment/ReplicaSet/DaemonSet},
 * batch/v1 {@code SetDefaults_Job} (with the Job create strategy's generated selector) and
 * autoscaling/v2 {@code SetDefaults_HorizontalPodAutoscaler}.
 */
final class WorkloadDefaults {
    private WorkloadDefaults() {}

    static void deployment(ObjectNode d) {
        ObjectNode spec = Json.obj(d, "spec");
        Json.putIfAbsent(spec, "replicas", 1);
        ObjectNode strategy = Json.obj(spec, "strategy");
        Json.putIfAbsent(strategy, "type", "RollingUpdate");
        if (strategy.path("type").asText().equals("RollingUpdate")) {
            ObjectNode ru = Json.obj(strategy, "rollingUpdate");
            Json.putIfAbsent(ru, "maxUnavailable", "25%");
            Json.putIfAbsent(ru, "maxSurge", "25%");
        }
        Json.putIfAbsent(spec, "revisionHistoryLimit", 10);
        Json.putIfAbsent(spec, "progressDeadlineSeconds", 600);
        PodDefaults.template(Json.obj(spec, "template"));
    }

    static void replicaSet(ObjectNode rs) {
        ObjectNode spec = Json.obj(rs, "spec");
        Json.putIfAbsent(spec, "replicas", 1);
        PodDefaults.template(Json.obj(spec, "template"));
    }

    static void daemonSet(ObjectNode ds) {
        ObjectNode spec = Json.obj(ds, "spec");
        ObjectNode strategy = Json.obj(spec, "updateStrategy");
        Json.putIfAbsent(strategy, "type", "RollingUpdate");
        if (strategy.path("type").asText().equals("RollingUpdate")) {
            ObjectNode ru = Json.obj(strategy, "rollingUpdate");
            Json.putIfAbsent(ru, "maxUnavailable", 1);
            Json.putIfAbsent(ru, "maxSurge", 0);
        }
        Json.putIfAbsent(spec, "revisionHistoryLimit", 10);
        PodDefaults.template(Json.obj(spec, "template"));
    }

    static void job(ObjectNode job) {
        ObjectNode spec = Json.obj(job, "spec");
        if (Json.unset(spec, "completions") && Json.unset(spec, "parallelism")) {
            spec.put("completions", 1);
            spec.put("parallelism", 1);
        }
        Json.putIfAbsent(spec, "parallelism", 1);
        if (Json.unset(spec, "backoffLimit")) {
            spec.put("backoffLimit", spec.has("backoffLimitPerIndex") ? Integer.MAX_VALUE : 6);
        }
        Json.putIfAbsent(spec, "completionMode", "NonIndexed");
        Json.putIfAbsent(spec, "suspend", false);
        Json.putIfAbsent(spec, "podReplacementPolicy", spec.has("podFailurePolicy") ? "Failed" : "TerminatingOrFailed");
        ObjectNode template = Json.obj(spec, "template");
        generateSelector(job, spec, template);
        JsonNode templateLabels = template.path("metadata").path("labels");
        ObjectNode meta = Json.obj(job, "metadata");
        if (templateLabels.isObject() && meta.path("labels").isEmpty()) {
            meta.set("labels", templateLabels.deepCopy());
        }
        PodDefaults.template(template);
    }

    /**
     * Unless {@code spec.manualSelector} is true, a Job selects its pods by its own uid: the
     * create strategy writes the controller-uid / job-name labels into the template and a
     * matching selector. Needs {@code metadata.uid}, so the API server assigns it first.
     */
    private static void generateSelector(ObjectNode job, ObjectNode spec, ObjectNode template) {
        String uid = job.path("metadata").path("uid").asText("");
        if (spec.path("manualSelector").asBoolean(false) || uid.isEmpty()) {
            return;
        }
        String name = job.path("metadata").path("name").asText("");
        ObjectNode labels = Json.obj(Json.obj(template, "metadata"), "labels");
        Json.putIfAbsent(labels, "batch.kubernetes.io/controller-uid", uid);
        Json.putIfAbsent(labels, "batch.kubernetes.io/job-name", name);
        Json.putIfAbsent(labels, "controller-uid", uid);
        Json.putIfAbsent(labels, "job-name", name);
        if (!spec.has("selector")) {
            spec.putObject("selector").putObject("matchLabels").put("batch.kubernetes.io/controller-uid", uid);
        }
    }

    static void hpa(ObjectNode hpa) {
        ObjectNode spec = Json.obj(hpa, "spec");
        Json.putIfAbsent(spec, "minReplicas", 1);
        if (!spec.has("metrics")) {
            ObjectNode metric = spec.putArray("metrics").addObject();
            metric.put("type", "Resource");
            ObjectNode resource = metric.putObject("resource");
            resource.put("name", "cpu");
            ObjectNode target = resource.putObject("target");
            target.put("type", "Utilization");
            target.put("averageUtilization", 80);
        }
    }
}
