package dev.keelson.control.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Pods as the Job controller creates them: the template's metadata and spec, the Job as
 * controlling owner, the labels {@code batch.kubernetes.io/controller-uid},
 * {@code batch.kubernetes.io/job-name} and their legacy unprefixed forms, and for Indexed Jobs the
 * completion index (annotation, label, {@code JOB_COMPLETION_INDEX} in every container, hostname
 * {@code <job>-<index>}).
 */
final class JobPods {
    static final String CONTROLLER_UID = "batch.kubernetes.io/controller-uid";
    static final String JOB_NAME = "batch.kubernetes.io/job-name";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JobPods() {}

    /** A new pod for {@code job}; {@code index} is null for NonIndexed jobs. */
    static ObjectNode newPod(JsonNode job, Integer index) {
        JsonNode template = job.path("spec").path("template");
        String name = Pods.name(job);
        String uid = Pods.uid(job);
        ObjectNode pod = MAPPER.createObjectNode();
        pod.put("apiVersion", "v1").put("kind", "Pod");
        ObjectNode meta = pod.putObject("metadata");
        meta.put("generateName", index == null ? name + "-" : name + "-" + index + "-");
        meta.put("namespace", Pods.namespace(job));
        ObjectNode labels = meta.putObject("labels");
        if (template.path("metadata").path("labels").isObject()) {
            labels.setAll((ObjectNode) template.path("metadata").path("labels").deepCopy());
        }
        labels.put(CONTROLLER_UID, uid).put(JOB_NAME, name).put("controller-uid", uid).put("job-name", name);
        ObjectNode annotations = meta.putObject("annotations");
        if (template.path("metadata").path("annotations").isObject()) {
            annotations.setAll((ObjectNode) template.path("metadata").path("annotations").deepCopy());
        }
        ObjectNode owner = ((ObjectNode) job).deepCopy();
        owner.put("apiVersion", "batch/v1").put("kind", "Job");
        Pods.setController(meta, owner);
        ObjectNode spec = template.path("spec").isObject() ? (ObjectNode) template.path("spec").deepCopy() : MAPPER.createObjectNode();
        if (index != null) {
            String i = Integer.toString(index);
            annotations.put(JobDecision.INDEX_ANNOTATION, i);
            labels.put(JobDecision.INDEX_ANNOTATION, i);
            if (!spec.hasNonNull("hostname")) {
                spec.put("hostname", name + "-" + i);
            }
            for (String list : new String[] {"initContainers", "containers"}) {
                for (JsonNode c : spec.path(list)) {
                    ((ObjectNode) c).withArray("env").addObject().put("name", "JOB_COMPLETION_INDEX")
                            .putObject("valueFrom").putObject("fieldRef").put("fieldPath",
                                    "metadata.annotations['" + JobDecision.INDEX_ANNOTATION + "']");
                }
            }
        }
        if (annotations.isEmpty()) {
            meta.remove("annotations");
        }
        pod.set("spec", spec);
        return pod;
    }
}
