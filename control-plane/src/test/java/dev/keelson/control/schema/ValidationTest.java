package dev.keelson.control.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Validation errors worded the way kubectl users know them. */
class ValidationTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static List<String> errors(String apiVersion, String kind, String json) throws Exception {
        ObjectNode o = (ObjectNode) MAPPER.readTree(json);
        Schemas.applyDefaults(apiVersion, kind, o);
        return Schemas.validate(apiVersion, kind, o).stream().map(Schemas.FieldError::describe).toList();
    }

    private static final String DEPLOYMENT = """
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default"},
             "spec":{"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},
             "spec":{"containers":[{"name":"nginx","image":"nginx"}]}}}}""";

    @Test
    void aNormalDeploymentIsValid() throws Exception {
        assertEquals(List.of(), errors("apps/v1", "Deployment", DEPLOYMENT));
    }

    @Test
    void wrongJsonTypesNameThePath() throws Exception {
        List<String> errs = errors("apps/v1", "Deployment", DEPLOYMENT.replace("\"selector\"", "\"replicas\":\"three\",\"selector\""));
        assertEquals(List.of("spec.replicas: Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\""), errs);
    }

    @Test
    void missingImageAndSelectorMismatch() throws Exception {
        List<String> errs = errors("apps/v1", "Deployment", DEPLOYMENT.replace(",\"image\":\"nginx\"", "")
                .replace("{\"labels\":{\"app\":\"web\"}}", "{\"labels\":{\"app\":\"other\"}}"));
        assertTrue(errs.contains("spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"other\"}: "
                + "`selector` does not match template `labels`"), errs.toString());
        assertTrue(errs.contains("spec.template.spec.containers[0].image: Required value"), errs.toString());
    }

    @Test
    void namesLabelsPortsAndDuplicates() throws Exception {
        List<String> errs = errors("v1", "Pod", """
                {"metadata":{"name":"Bad_Name","namespace":"default","labels":{"ok":"not ok!"}},
                 "spec":{"containers":[{"name":"a","image":"x","ports":[{"containerPort":70000}]},{"name":"a","image":"y"}]}}""");
        assertTrue(errs.contains("metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain must consist of lower"
                + " case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g."
                + " 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"),
                errs.toString());
        assertTrue(errs.stream().anyMatch(e -> e.startsWith("metadata.labels: Invalid value: \"not ok!\": a valid label must")));
        assertTrue(errs.contains("spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive"));
        assertTrue(errs.contains("spec.containers[1].name: Duplicate value: \"a\""), errs.toString());
    }

    @Test
    void jobTemplatesMayNotRestartAlways() throws Exception {
        List<String> errs = errors("batch/v1", "Job", """
                {"metadata":{"name":"j","namespace":"default","uid":"u"},"spec":{"template":{"spec":{"containers":[{"name":"c","image":"i"}]}}}}""");
        assertEquals(List.of("spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\""), errs);
    }

    @Test
    void servicesNeedPortsUnlessHeadlessAndUseDns1035Names() throws Exception {
        assertEquals(List.of("spec.ports: Required value"),
                errors("v1", "Service", "{\"metadata\":{\"name\":\"s\",\"namespace\":\"d\"},\"spec\":{}}"));
        assertEquals(List.of(), errors("v1", "Service",
                "{\"metadata\":{\"name\":\"s\",\"namespace\":\"d\"},\"spec\":{\"clusterIP\":\"None\"}}"));
        assertTrue(errors("v1", "Service", "{\"metadata\":{\"name\":\"1s\",\"namespace\":\"d\"},\"spec\":{\"ports\":[{\"port\":80}]}}")
                .get(0).startsWith("metadata.name: Invalid value: \"1s\": a DNS-1035 label"));
    }

    @Test
    void secretAndConfigMapKeysAndReplicas() throws Exception {
        List<String> errs = errors("v1", "Secret", "{\"metadata\":{\"name\":\"s\",\"namespace\":\"d\"},\"data\":{\"a b\":\"!!\"}}");
        assertTrue(errs.get(0).startsWith("data[a b]: Invalid value: \"!!\": illegal base64 data"), errs.toString());
        List<String> cm = errors("v1", "ConfigMap", "{\"metadata\":{\"name\":\"c\",\"namespace\":\"d\"},\"data\":{\"a b\":\"x\"}}");
        assertTrue(cm.get(0).startsWith("data[a b]: Invalid value: \"a b\": a valid config key must consist of"), cm.toString());
        List<String> rs = errors("apps/v1", "Deployment", DEPLOYMENT.replace("\"selector\"", "\"replicas\":-1,\"selector\""));
        assertEquals(List.of("spec.replicas: Invalid value: -1: must be greater than or equal to 0"), rs);
        assertEquals(List.of("metadata.name: Required value: name or generateName is required"),
                errors("v1", "Namespace", "{\"metadata\":{}}"));
    }
}
