package dev.keelson.proxy.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.keelson.proxy.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ManifestsTest {

    @Test
    void readsMultiDocumentYamlAndLists() {
        Snapshot s = Fixtures.snapshot();
        assertEquals(5, s.services().size());
        Service lb = s.services().get(new ServiceRef("shop", "lb"));
        assertEquals(ServiceType.LoadBalancer, lb.type());
        assertEquals("192.0.2.50", lb.loadBalancerIPs().getFirst().getHostAddress());
        assertEquals(TrafficPolicy.Local, lb.externalTrafficPolicy());
        assertEquals(TargetPort.named("http"), s.services().get(new ServiceRef("default", "web")).ports().getFirst().targetPort());
        assertEquals(600, s.services().get(new ServiceRef("default", "sticky")).affinity().timeoutSeconds());
        assertEquals(2, s.slicesOf(new ServiceRef("default", "sticky")).size());
    }

    @Test
    void readsJson() {
        Snapshot s = Manifests.parse("{\"kind\":\"Service\",\"metadata\":{\"name\":\"a\"},\"spec\":{\"clusterIP\":\"10.0.0.1\","
                + "\"ports\":[{\"port\":80,\"protocol\":\"SCTP\"}]}}");
        assertEquals(Protocol.SCTP, s.services().firstEntry().getValue().ports().getFirst().protocol());
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', textBlock = """
            ports: [{port: 70000}]                                         | Service default/web: spec.ports[0].port: 70000 is not a valid port
            ports: [{name: a, port: 80}, {name: b, port: 80}]              | Service default/web: spec.ports[1]: duplicate port 80/TCP
            ports: [{port: 80, protocol: ICMP}]                            | Service default/web: spec.ports[0].protocol: "ICMP" is not a supported protocol (TCP, UDP, SCTP)
            clusterIP: 10.96.0.300                                         | Service default/web: spec.clusterIP: "10.96.0.300" is not a valid IP address
            loadBalancerSourceRanges: [10.0.0.0/33]                        | Service default/web: spec.loadBalancerSourceRanges[0]: "10.0.0.0/33" is not a valid CIDR
            ports: [{port: 80}, {port: 81}]                                | Service default/web: spec.ports[0].name: required when a Service has more than one port
            externalIPs: [1.2.3.4, 1.2.3.4]                                | Service default/web: spec.externalIPs[1]: duplicate value "1.2.3.4"
            sessionAffinity: ClientIP, sessionAffinityConfig: {clientIP: {timeoutSeconds: 0}} | Service default/web: spec.sessionAffinityConfig.clientIP.timeoutSeconds: 0 must be between 1 and 86400
            """)
    void rejectsInvalidServiceNamingObjectAndField(String spec, String message) {
        ModelException e = assertThrows(ModelException.class, () -> Manifests.parse(
                "kind: Service\nmetadata: {name: web}\nspec: {" + spec.replaceFirst("^(\\w+): ", "$1: ") + "}\n"));
        assertEquals(message, e.getMessage());
    }

    @Test
    void rejectsSliceAddressOfWrongFamily() {
        ModelException e = assertThrows(ModelException.class, () -> Manifests.parse("""
                kind: EndpointSlice
                metadata: {name: s, namespace: ns, labels: {kubernetes.io/service-name: web}}
                addressType: IPv4
                endpoints: [{addresses: ["fd00::1"]}]
                """));
        assertEquals("EndpointSlice ns/s: endpoints[0].addresses[0]: \"fd00::1\" is not an IPv4 address", e.getMessage());
    }

    @Test
    void terminatingServingEndpointsAreUsedOnlyWhenNoneIsReady() {
        var port = new ServicePort("", Protocol.TCP, 80, TargetPort.of(80), 0);
        var slice = new EndpointSlice("s", new ServiceRef("a", "b"), AddressType.IPv4, java.util.List.of(
                new Endpoint(java.util.List.of(dev.keelson.netns.addr.InetAddresses.parse("10.0.0.1")),
                        new EndpointConditions(false, true, true), "n", null),
                new Endpoint(java.util.List.of(dev.keelson.netns.addr.InetAddresses.parse("10.0.0.2")),
                        new EndpointConditions(false, false, true), "n", null)),
                java.util.List.of(new EndpointPort("", Protocol.TCP, 8080)));
        var usable = EndpointSelector.usable(EndpointSelector.candidates(java.util.List.of(slice), port, AddressType.IPv4, "n"), b -> true);
        assertEquals("[10.0.0.1:8080]", usable.toString());
    }
}
