package dev.keelson.control.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.schema.TypeSchema.ListType;
import dev.keelson.control.schema.TypeSchema.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Schema trees: shapes and the patch/apply metadata Kubernetes publishes, shared nodes, unknown fields. */
class SchemasTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void deploymentContainersCarryStrategicMergeAndApplyMetadata() {
        TypeSchema d = Schemas.of("apps/v1", "Deployment");
        TypeSchema containers = d.property("spec").property("template").property("spec").property("containers");
        assertEquals(Shape.LIST, containers.shape());
        assertEquals("merge", containers.patchStrategy());
        assertEquals("name", containers.patchMergeKey());
        assertEquals(ListType.MAP, containers.listType());
        assertEquals(List.of("name"), containers.listMapKeys());
        TypeSchema ports = containers.items().property("ports");
        assertEquals(List.of("containerPort", "protocol"), ports.listMapKeys());
        assertEquals(Shape.INTEGER, ports.items().property("containerPort").shape());
        assertEquals("retainKeys", d.property("spec").property("strategy").patchStrategy());
        assertEquals(Shape.INT_OR_STRING, d.property("spec").property("strategy").property("rollingUpdate")
                .property("maxSurge").shape());
    }

    @Test
    void namedTypesAreSharedAndSpecialScalarsHaveTheirShapes() {
        TypeSchema pod = Schemas.of("v1", "Pod");
        TypeSchema fromDeployment = Schemas.of("apps/v1", "Deployment").property("spec").property("template").property("spec");
        assertSame(pod.property("spec"), fromDeployment);
        TypeSchema limits = pod.property("spec").property("containers").items().property("resources").property("limits");
        assertEquals(Shape.MAP, limits.shape());
        assertEquals(Shape.QUANTITY, limits.items().shape());
        assertEquals(Shape.STRING, pod.property("metadata").property("creationTimestamp").shape());
        assertEquals(Shape.ANY, pod.property("metadata").property("managedFields").items().property("fieldsV1").shape());
        assertTrue(pod.property("spec").property("nodeSelector").atomic());
        assertEquals(Shape.ANY, pod.property("nosuchfield").shape());
    }

    @Test
    void everyKindOfTheBriefIsKnownWithItsList() {
        for (String[] k : new String[][] {{"v1", "Namespace"}, {"v1", "Pod"}, {"v1", "Service"}, {"v1", "Endpoints"},
                {"v1", "Node"}, {"v1", "ConfigMap"}, {"v1", "Secret"}, {"v1", "Event"}, {"v1", "ServiceAccount"},
                {"v1", "Binding"}, {"apps/v1", "Deployment"}, {"apps/v1", "ReplicaSet"}, {"apps/v1", "DaemonSet"},
                {"batch/v1", "Job"}, {"coordination.k8s.io/v1", "Lease"}, {"discovery.k8s.io/v1", "EndpointSlice"},
                {"autoscaling/v1", "Scale"}, {"autoscaling/v2", "HorizontalPodAutoscaler"}, {"policy/v1", "Eviction"},
                {"v1", "Status"}, {"v1", "DeleteOptions"}, {"v1", "PodList"}, {"apps/v1", "DeploymentList"}}) {
            assertTrue(Schemas.isKnown(k[0], k[1]), k[0] + " " + k[1]);
            assertEquals(Shape.OBJECT, Schemas.of(k[0], k[1]).shape());
        }
        assertSame(TypeSchema.ANY, Schemas.of("example.com/v1", "Widget"));
    }

    @Test
    void unknownFieldsAreReportedWithTheirPaths() throws Exception {
        ObjectNode d = (ObjectNode) MAPPER.readTree("""
                {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"w","bogus":1,
                 "managedFields":[{"manager":"x","fieldsV1":{"f:spec":{}}}]},
                 "spec":{"replicaz":1,"selector":{"matchLabels":{"a":"b"}},"template":{"spec":{"containers":[
                   {"name":"c","image":"i","imagePullPolicy":"Always","colour":"red",
                    "livenessProbe":{"httpGet":{"port":80},"periodSeconds":5,"nope":true}}]}}}}""");
        assertEquals(List.of(".metadata.bogus", ".spec.replicaz", ".spec.template.spec.containers[0].colour",
                ".spec.template.spec.containers[0].livenessProbe.nope"), Schemas.unknownFields("apps/v1", "Deployment", d));
        assertEquals(List.of(), Schemas.unknownFields("example.com/v1", "Widget", d));
    }
}
