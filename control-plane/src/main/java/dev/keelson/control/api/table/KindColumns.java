package dev.keelson.control.api.table;

import static dev.keelson.control.api.table.Cells.NONE;
import static dev.keelson.control.api.table.Cells.at;
import static dev.keelson.control.api.table.Cells.number;
import static dev.keelson.control.api.table.Cells.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** The columns {@code kubectl get} shows per kind, as Kubernetes' own printers define them. */
final class KindColumns {
    private KindColumns() {}

    static List<Column> of(String group, String resource, Clock clock) {
        Column name = Column.named();
        Column age = Column.age(clock);
        return switch (group + "/" + resource) {
            case "/pods" -> PodColumns.columns(clock);
            case "/namespaces" -> List.of(name, Column.of("Status", "string", "The status of the namespace",
                    o -> text(o, "status.phase")), age);
            case "/nodes" -> NodeColumns.columns(clock);
            case "/services" -> List.of(name,
                    Column.of("Type", "string", "The type of the service", o -> text(o, "spec.type")),
                    Column.of("Cluster-IP", "string", "The cluster IP of the service", o -> text(o, "spec.clusterIP")),
                    Column.of("External-IP", "string", "The external IP of the service", KindColumns::externalIps),
                    Column.of("Port(s)", "string", "The ports of the service", KindColumns::servicePorts), age,
                    Column.wide("Selector", "string", "The selector of the service",
                            o -> Cells.mapSelector(o.path("spec").path("selector"))));
            case "/configmaps" -> List.of(name, Column.of("Data", "integer", "Number of data entries",
                    o -> Cells.count(o.path("data")) + Cells.count(o.path("binaryData"))), age);
            case "/secrets" -> List.of(name, Column.of("Type", "string", "The type of the secret", o -> text(o, "type")),
                    Column.of("Data", "integer", "Number of data entries", o -> Cells.count(o.path("data"))), age);
            case "/serviceaccounts" -> List.of(name, Column.of("Secrets", "string", "Number of secrets",
                    o -> Cells.count(o.path("secrets"))), age);
            case "/endpoints" -> List.of(name, Column.of("Endpoints", "string", "Endpoints of the service",
                    KindColumns::endpoints), age);
            case "/events" -> EventColumns.columns(clock);
            case "/persistentvolumes" -> StorageColumns.volumes(clock);
            case "/persistentvolumeclaims" -> StorageColumns.claims(clock);
            case "storage.k8s.io/storageclasses" -> StorageColumns.classes(clock);
            case "apps/deployments" -> List.of(name,
                    Column.of("Ready", "string", "Number of ready replicas",
                            o -> number(o, "status.readyReplicas") + "/" + number(o, "spec.replicas")),
                    Column.of("Up-to-date", "integer", "Updated replicas", o -> number(o, "status.updatedReplicas")),
                    Column.of("Available", "integer", "Available replicas", o -> number(o, "status.availableReplicas")),
                    age, containers(), images(), selector());
            case "apps/replicasets" -> List.of(name,
                    Column.of("Desired", "integer", "Desired replicas", o -> number(o, "spec.replicas")),
                    Column.of("Current", "integer", "Current replicas", o -> number(o, "status.replicas")),
                    Column.of("Ready", "integer", "Ready replicas", o -> number(o, "status.readyReplicas")),
                    age, containers(), images(), selector());
            case "apps/daemonsets" -> List.of(name,
                    Column.of("Desired", "integer", "Desired pods", o -> number(o, "status.desiredNumberScheduled")),
                    Column.of("Current", "integer", "Current pods", o -> number(o, "status.currentNumberScheduled")),
                    Column.of("Ready", "integer", "Ready pods", o -> number(o, "status.numberReady")),
                    Column.of("Up-to-date", "integer", "Updated pods", o -> number(o, "status.updatedNumberScheduled")),
                    Column.of("Available", "integer", "Available pods", o -> number(o, "status.numberAvailable")),
                    Column.of("Node Selector", "string", "Node selector",
                            o -> Cells.mapSelector(at(o, "spec.template.spec.nodeSelector"))),
                    age, containers(), images(), selector());
            case "batch/jobs" -> JobColumns.columns(clock, containers(), images(), selector());
            case "coordination.k8s.io/leases" -> List.of(name,
                    Column.of("Holder", "string", "The holder of the lease", o -> text(o, "spec.holderIdentity")), age);
            case "discovery.k8s.io/endpointslices" -> List.of(name,
                    Column.of("AddressType", "string", "Address type", o -> text(o, "addressType")),
                    Column.of("Ports", "string", "Ports", KindColumns::slicePorts),
                    Column.of("Endpoints", "string", "Endpoint addresses", KindColumns::sliceEndpoints), age);
            case "autoscaling/horizontalpodautoscalers" -> List.of(name,
                    Column.of("Reference", "string", "Scale target",
                            o -> text(o, "spec.scaleTargetRef.kind") + "/" + text(o, "spec.scaleTargetRef.name")),
                    Column.of("Targets", "string", "Metric targets", o -> Cells.count(at(o, "spec.metrics")) == 0
                            ? NONE : Cells.count(at(o, "spec.metrics")) + " metric(s)"),
                    Column.of("MinPods", "string", "Minimum replicas", o -> text(o, "spec.minReplicas")),
                    Column.of("MaxPods", "integer", "Maximum replicas", o -> number(o, "spec.maxReplicas")),
                    Column.of("Replicas", "integer", "Current replicas", o -> number(o, "status.currentReplicas")),
                    age);
            default -> List.of(name, age);
        };
    }

    private static Column containers() {
        return Column.wide("Containers", "string", "Names of each container in the template",
                o -> Cells.containers(at(o, "spec.template.spec"), "name"));
    }

    private static Column images() {
        return Column.wide("Images", "string", "Images referenced by each container in the template",
                o -> Cells.containers(at(o, "spec.template.spec"), "image"));
    }

    private static Column selector() {
        return Column.wide("Selector", "string", "The label selector", o -> Cells.selector(at(o, "spec.selector")));
    }

    private static String externalIps(JsonNode o) {
        List<String> ips = new ArrayList<>();
        at(o, "spec.externalIPs").forEach(i -> ips.add(i.asText()));
        at(o, "status.loadBalancer.ingress").forEach(i -> ips.add(i.path("ip").asText(i.path("hostname").asText())));
        if (ips.isEmpty()) {
            return text(o, "spec.type").equals("LoadBalancer") ? "<pending>" : NONE;
        }
        return String.join(",", ips);
    }

    private static String servicePorts(JsonNode o) {
        List<String> out = new ArrayList<>();
        for (JsonNode p : at(o, "spec.ports")) {
            String node = p.has("nodePort") ? ":" + p.path("nodePort").asText() : "";
            out.add(p.path("port").asText() + node + "/" + p.path("protocol").asText("TCP"));
        }
        return out.isEmpty() ? NONE : String.join(",", out);
    }

    private static String endpoints(JsonNode o) {
        List<String> out = new ArrayList<>();
        for (JsonNode subset : o.path("subsets")) {
            for (JsonNode a : subset.path("addresses")) {
                if (subset.path("ports").isEmpty()) {
                    out.add(a.path("ip").asText());
                }
                for (JsonNode p : subset.path("ports")) {
                    out.add(a.path("ip").asText() + ":" + p.path("port").asText());
                }
            }
        }
        return abbreviate(out);
    }

    private static String slicePorts(JsonNode o) {
        List<String> out = new ArrayList<>();
        o.path("ports").forEach(p -> out.add(p.path("port").asText()));
        return out.isEmpty() ? "<unset>" : String.join(",", out);
    }

    private static String sliceEndpoints(JsonNode o) {
        List<String> out = new ArrayList<>();
        o.path("endpoints").forEach(e -> e.path("addresses").forEach(a -> out.add(a.asText())));
        return abbreviate(out);
    }

    /** kubectl shows three entries and "+ N more...". */
    private static String abbreviate(List<String> out) {
        if (out.isEmpty()) {
            return NONE;
        }
        if (out.size() <= 3) {
            return String.join(",", out);
        }
        return String.join(",", out.subList(0, 3)) + " + " + (out.size() - 3) + " more...";
    }
}
