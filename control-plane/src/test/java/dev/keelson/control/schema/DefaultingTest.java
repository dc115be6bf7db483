package dev.keelson.control.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The defaults a user sees in {@code kubectl get -o yaml}. */
class DefaultingTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static ObjectNode defaulted(String apiVersion, String kind, String json) throws Exception {
        ObjectNode o = (ObjectNode) MAPPER.readTree(json);
        Schemas.applyDefaults(apiVersion, kind, o);
        return o;
    }

    @Test
    void deploymentGetsStrategyLimitsAndPodTemplateDefaults() throws Exception {
        ObjectNode d = defaulted("apps/v1", "Deployment", """
                {"metadata":{"name":"web"},"spec":{"selector":{"matchLabels":{"app":"web"}},
                 "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[
                   {"name":"nginx","image":"nginx","ports":[{"containerPort":80}]}]}}}}""");
        JsonNode spec = d.path("spec");
        assertEquals(1, spec.path("replicas").asInt());
        assertEquals(MAPPER.readTree("{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":\"25%\",\"maxSurge\":\"25%\"}}"),
                spec.path("strategy"));
        assertEquals(10, spec.path("revisionHistoryLimit").asInt());
        assertEquals(600, spec.path("progressDeadlineSeconds").asInt());
        JsonNode pod = spec.path("template").path("spec");
        assertEquals("Always", pod.path("restartPolicy").asText());
        assertEquals("ClusterFirst", pod.path("dnsPolicy").asText());
        assertEquals(30, pod.path("terminationGracePeriodSeconds").asInt());
        assertEquals("default-scheduler", pod.path("schedulerName").asText());
        assertEquals(MAPPER.createObjectNode(), pod.path("securityContext"));
        JsonNode c = pod.path("containers").get(0);
        assertEquals("/dev/termination-log", c.path("terminationMessagePath").asText());
        assertEquals("File", c.path("terminationMessagePolicy").asText());
        assertEquals("Always", c.path("imagePullPolicy").asText());
        assertEquals("TCP", c.path("ports").get(0).path("protocol").asText());
        assertEquals(MAPPER.createObjectNode(), c.path("resources"));
    }

    @ParameterizedTest
    @CsvSource({"nginx,Always", "nginx:latest,Always", "nginx:1.27,IfNotPresent", "localhost:5000/app,Always",
            "localhost:5000/app:v2,IfNotPresent", "nginx@sha256:abcd,IfNotPresent"})
    void imagePullPolicyFollowsTheTag(String image, String policy) {
        assertEquals(policy, PodDefaults.pullPolicy(image));
    }

    @Test
    void podGetsStatusPriorityAndTolerations() throws Exception {
        ObjectNode p = defaulted("v1", "Pod", """
                {"metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"busybox:1",
                  "resources":{"limits":{"cpu":"1","memory":"1Gi"}}}]}}""");
        assertEquals("Pending", p.path("status").path("phase").asText());
        assertEquals("Guaranteed", p.path("status").path("qosClass").asText());
        assertEquals("PreemptLowerPriority", p.path("spec").path("preemptionPolicy").asText());
        assertEquals(true, p.path("spec").path("enableServiceLinks").asBoolean());
        assertEquals(2, p.path("spec").path("tolerations").size());
        assertEquals(300, p.path("spec").path("tolerations").get(0).path("tolerationSeconds").asInt());
    }

    @Test
    void serviceTargetPortFollowsPortAndPoliciesAreSet() throws Exception {
        ObjectNode s = defaulted("v1", "Service", """
                {"metadata":{"name":"s"},"spec":{"selector":{"app":"x"},"ports":[{"port":80},{"port":443,"targetPort":"https"}]}}""");
        JsonNode spec = s.path("spec");
        assertEquals("ClusterIP", spec.path("type").asText());
        assertEquals("None", spec.path("sessionAffinity").asText());
        assertEquals(80, spec.path("ports").get(0).path("targetPort").asInt());
        assertEquals("https", spec.path("ports").get(1).path("targetPort").asText());
        assertEquals("TCP", spec.path("ports").get(1).path("protocol").asText());
        assertEquals("SingleStack", spec.path("ipFamilyPolicy").asText());
        assertEquals("Cluster", spec.path("internalTrafficPolicy").asText());
    }

    @Test
    void daemonSetJobSecretAndNamespace() throws Exception {
        JsonNode ds = defaulted("apps/v1", "DaemonSet", "{\"spec\":{\"template\":{\"spec\":{\"containers\":[]}}}}").path("spec");
        assertEquals(MAPPER.readTree("{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":1,\"maxSurge\":0}}"),
                ds.path("updateStrategy"));
        ObjectNode job = defaulted("batch/v1", "Job", """
                {"metadata":{"name":"hello","uid":"u-1"},"spec":{"template":{"spec":{"restartPolicy":"Never",
                  "containers":[{"name":"c","image":"busybox"}]}}}}""");
        JsonNode js = job.path("spec");
        assertEquals(1, js.path("completions").asInt());
        assertEquals(1, js.path("parallelism").asInt());
        assertEquals(6, js.path("backoffLimit").asInt());
        assertEquals("NonIndexed", js.path("completionMode").asText());
        assertEquals(false, js.path("suspend").asBoolean(true));
        assertEquals("TerminatingOrFailed", js.path("podReplacementPolicy").asText());
        assertEquals("u-1", js.path("selector").path("matchLabels").path("batch.kubernetes.io/controller-uid").asText());
        assertEquals("hello", js.path("template").path("metadata").path("labels").path("job-name").asText());
        assertEquals("hello", job.path("metadata").path("labels").path("batch.kubernetes.io/job-name").asText());
        assertEquals("Opaque", defaulted("v1", "Secret", "{}").path("type").asText());
        ObjectNode ns = defaulted("v1", "Namespace", "{\"metadata\":{\"name\":\"team\"}}");
        assertEquals("[\"kubernetes\"]", ns.path("spec").path("finalizers").toString());
        assertEquals("Active", ns.path("status").path("phase").asText());
    }
}
