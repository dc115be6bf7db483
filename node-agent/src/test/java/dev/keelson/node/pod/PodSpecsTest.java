package dev.keelson.node.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keelson.cri.api.v1.DNSConfig;
import dev.keelson.node.NodeAgentConfig;
import dev.keelson.node.Quantities;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The pure translations from pod spec to CRI: quantities, $(VAR) expansion, DNS, resources. */
class PodSpecsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @CsvSource({"100m,100", "0.1,100", "2,2000", "1.5,1500", "1u,1"})
    void cpuQuantitiesRoundUpToMillicores(String q, long milli) {
        assertEquals(milli, Quantities.milliCpu(q));
    }

    @ParameterizedTest
    @CsvSource({"128Mi,134217728", "1G,1000000000", "1Ki,1024", "2e3,2000", "64,64"})
    void byteQuantities(String q, long bytes) {
        assertEquals(bytes, Quantities.value(q));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"$(A)-x|1-x", "$$(A)|$(A)", "$(MISSING)|$(MISSING)", "a$b|a$b", "$(A$(A))|$(A$(A))"})
    void expandsVariablesAsKubernetesDoes(String in, String out) {
        assertEquals(out, ContainerConfigs.expand(in, Map.of("A", "1")));
    }

    @Test
    void resourcesBecomeSharesQuotaAndMemoryLimit() throws Exception {
        var r = ContainerConfigs.resources(JSON.readTree("{\"requests\":{\"cpu\":\"250m\"},\"limits\":{\"cpu\":\"500m\",\"memory\":\"64Mi\"}}"));
        assertEquals(256, r.getCpuShares());
        assertEquals(100_000, r.getCpuPeriod());
        assertEquals(50_000, r.getCpuQuota());
        assertEquals(64L << 20, r.getMemoryLimitInBytes());
        assertEquals(2, ContainerConfigs.resources(JSON.createObjectNode()).getCpuShares(), "best effort gets the minimum weight");
    }

    @Test
    void clusterFirstUsesClusterDnsAndSearchPaths() throws Exception {
        NodeAgentConfig c = NodeAgentConfig.of("n1", Path.of("k"), Path.of("s")).withClusterDns(List.of("10.96.0.10"), "cluster.local");
        DNSConfig host = DNSConfig.newBuilder().addServers("192.168.1.1").addSearches("corp.example").build();
        JsonNode spec = JSON.readTree("{\"dnsPolicy\":\"ClusterFirst\",\"dnsConfig\":{\"options\":[{\"name\":\"ndots\",\"value\":\"2\"}]}}");
        DNSConfig d = SandboxConfigs.dns(c, spec, "web", host);
        assertEquals(List.of("10.96.0.10"), d.getServersList());
        assertEquals(List.of("web.svc.cluster.local", "svc.cluster.local", "cluster.local", "corp.example"), d.getSearchesList());
        assertEquals(List.of("ndots:2"), d.getOptionsList());
        assertEquals(host, SandboxConfigs.dns(c, JSON.readTree("{\"dnsPolicy\":\"Default\"}"), "web", host));
        DNSConfig none = SandboxConfigs.dns(c, JSON.readTree("{\"dnsPolicy\":\"None\",\"dnsConfig\":{\"nameservers\":[\"1.1.1.1\"]}}"), "web", host);
        assertEquals(List.of("1.1.1.1"), none.getServersList());
        assertEquals(List.of(), none.getSearchesList());
    }

    @ParameterizedTest
    @CsvSource({"busybox,Always", "busybox:latest,Always", "busybox:1.36,IfNotPresent", "reg:5000/a/b,Always",
            "reg:5000/a/b:1,IfNotPresent", "a@sha256:00,IfNotPresent"})
    void defaultPullPolicyFollowsTheTag(String image, String policy) {
        assertEquals(policy, ImagePuller.defaultPolicy(image));
    }
}
