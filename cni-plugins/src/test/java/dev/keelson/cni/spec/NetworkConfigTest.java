package dev.keelson.cni.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Config and conflist parsing, version negotiation, CNI_ARGS and runtimeConfig. */
class NetworkConfigTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    public record BridgeConf(String bridge, boolean isGateway, int mtu) {
    }

    @Test
    void wellKnownFieldsAreTypedAndPluginFieldsStayAvailable() {
        NetworkConfig c = NetworkConfig.parse(b("""
                {"cniVersion":"1.1.0","name":"net1","type":"bridge","bridge":"cni0","isGateway":true,"mtu":1450,
                 "capabilities":{"portMappings":true,"ips":false},
                 "ipam":{"type":"host-local","subnet":"10.1.0.0/16"},
                 "dns":{"nameservers":["1.1.1.1"]},
                 "runtimeConfig":{"portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}],
                   "ips":["10.1.0.9/16"],"mac":"aa:bb:cc:dd:ee:ff","bandwidth":{"ingressRate":1000,"ingressBurst":10,"egressRate":2000,"egressBurst":20},
                   "ipRanges":[[{"subnet":"10.2.0.0/16","rangeStart":"10.2.0.10"}]]},
                 "args":{"cni":{"labels":[]}},
                 "cni.dev/valid-attachments":[{"containerID":"c1","ifname":"eth0"}]}"""));
        assertEquals(SpecVersion.V1_1_0, c.version());
        assertEquals("net1", c.name());
        assertEquals("bridge", c.type());
        assertTrue(c.hasCapability("portMappings"));
        assertFalse(c.hasCapability("ips"));
        assertEquals("host-local", c.ipamType().orElseThrow());
        assertEquals("10.1.0.0/16", c.ipam().get("subnet").asText());
        assertEquals(List.of("1.1.1.1"), c.dns().nameservers());
        assertEquals("cni0", c.field("bridge").asText());
        assertEquals(new BridgeConf("cni0", true, 1450), c.as(BridgeConf.class));
        assertEquals(List.of(new RuntimeConfig.PortMapping(8080, 80, "tcp", null)), c.runtimeConfig().portMappings());
        assertEquals(List.of("10.1.0.9/16"), c.runtimeConfig().ips());
        assertEquals("aa:bb:cc:dd:ee:ff", c.runtimeConfig().mac().orElseThrow());
        assertEquals(new RuntimeConfig.Bandwidth(1000, 10, 2000, 20), c.runtimeConfig().bandwidth().orElseThrow());
        assertEquals(List.of(List.of(new RuntimeConfig.IpRange("10.2.0.0/16", "10.2.0.10", null, null))), c.runtimeConfig().ipRanges());
        assertEquals(List.of(new NetworkConfig.Attachment("c1", "eth0")), c.validAttachments());
        assertTrue(c.args().has("cni"));
    }

    @Test
    void aMissingVersionMeans010() {
        NetworkConfig c = NetworkConfig.parse(b("{\"name\":\"n\",\"type\":\"loopback\"}"));
        assertEquals(SpecVersion.V0_1_0, c.version());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"cniVersion\":|6|error unmarshall network config: unexpected end of JSON input",
        "''|6|error unmarshall network config: unexpected end of JSON input",
        "[]|6|error unmarshall network config: expected a JSON object, got array",
        "{\"name\":5}|6|error unmarshall network config: \"name\" must be a string, got number",
        "{\"type\":\"x\"}|7|missing network name",
        "{\"name\":\"\"}|7|missing network name",
        "{\"name\":\"a b\"}|7|invalid characters found in network name",
        "{\"name\":\"n\",\"capabilities\":{\"ips\":1}}|6|error unmarshall network config: capability \"ips\" must be a boolean",
        "{\"name\":\"n\",\"ipam\":[]}|6|error unmarshall network config: \"ipam\" must be an object",
    })
    void badConfigsGetTheSpecCodes(String json, int code, String msg) {
        CniException e = assertThrows(CniException.class, () -> NetworkConfig.parse(b(json)));
        assertEquals(code, e.code());
        assertEquals(msg, e.msg());
    }

    @Test
    void anUnsupportedVersionIsCode1WithLibcniDetails() {
        CniException e = assertThrows(CniException.class,
                () -> NetworkConfig.parse(b("{\"cniVersion\":\"9.9.9\",\"name\":\"n\"}")).version());
        assertEquals(1, e.code());
        assertEquals("config is \"9.9.9\", plugin supports [\"0.1.0\" \"0.2.0\" \"0.3.0\" \"0.3.1\" \"0.4.0\" \"1.0.0\" \"1.1.0\"]",
                e.details());
    }

    @Test
    void badRuntimeConfigNamesTheKey() {
        NetworkConfig c = NetworkConfig.parse(b("{\"name\":\"n\",\"runtimeConfig\":{\"portMappings\":[{\"hostPort\":\"x\"}]}}"));
        CniException e = assertThrows(CniException.class, () -> c.runtimeConfig().portMappings());
        assertEquals(6, e.code());
        assertTrue(e.msg().startsWith("invalid runtimeConfig \"portMappings\""), e.msg());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "1.0.0|1.1.0,0.4.0|1.1.0",
        "0.4.0|0.3.1,1.0.0,2.0.0|1.0.0",
        "''|0.4.0|0.4.0",
        "0.3.1|''|0.3.1",
        "1.0.0|1.2.0,9.0.0|1.0.0",
    })
    void cniVersionsPicksTheHighestSupported(String version, String versions, String expected) {
        String list = versions.isEmpty() ? "" : ",\"cniVersions\":[\"" + String.join("\",\"", versions.split(",")) + "\"]";
        String ver = version.isEmpty() ? "" : ",\"cniVersion\":\"" + version + "\"";
        NetworkConfigList l = NetworkConfigList.parse(b("{\"name\":\"n\"" + ver + list + ",\"plugins\":[{\"type\":\"loopback\"}]}"));
        assertEquals(expected, l.cniVersion());
    }

    @Test
    void conflistFlagsAndPluginConfigsAreBuiltAsLibcniBuildsThem() {
        NetworkConfigList l = NetworkConfigList.parse(b("""
                {"cniVersion":"1.0.0","cniVersions":["1.1.0"],"name":"k8s","disableCheck":"true","disableGC":true,
                 "plugins":[{"type":"bridge","bridge":"cni0"},{"type":"portmap","capabilities":{"portMappings":true,"bandwidth":false}}]}"""));
        assertTrue(l.disableCheck());
        assertTrue(l.disableGC());
        assertEquals(2, l.plugins().size());
        var prev = JsonNodeFactory.instance.objectNode().put("cniVersion", "1.1.0");
        var pm = JsonNodeFactory.instance.arrayNode();
        var bw = JsonNodeFactory.instance.objectNode();
        NetworkConfig second = NetworkConfig.of(l.pluginConfig(1, prev, Map.of("portMappings", pm, "bandwidth", bw)));
        assertEquals("k8s", second.name());
        assertEquals("1.1.0", second.cniVersion());
        assertTrue(second.runtimeConfig().get("portMappings").isArray());
        assertEquals(null, second.runtimeConfig().get("bandwidth"));
        assertEquals("1.1.0", second.rawPrevResult().get("cniVersion").asText());
        NetworkConfig first = NetworkConfig.of(l.pluginConfig(0, null, Map.of("portMappings", pm)));
        assertTrue(first.runtimeConfig().isEmpty());
        assertEquals("cni0", first.field("bridge").asText());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"cniVersion\":\"1.0.0\",\"plugins\":[{\"type\":\"x\"}]}|7|error parsing configuration list: no name",
        "{\"name\":\"n\",\"plugins\":[]}|7|error parsing configuration list: no plugins in list",
        "{\"name\":\"n\",\"plugins\":[{\"bridge\":\"x\"}]}|7|error parsing configuration: missing 'type'",
        "{\"name\":\"n\",\"cniVersions\":[\"x\"],\"plugins\":[{\"type\":\"x\"}]}|6|invalid version \"x\": expected MAJOR.MINOR.PATCH",
        "{\"name\":\"n\",\"disableCheck\":\"yes\",\"plugins\":[{\"type\":\"x\"}]}|6|error parsing configuration list: invalid value \"yes\" for disableCheck",
    })
    void badConflistsAreAnswered(String json, int code, String msg) {
        CniException e = assertThrows(CniException.class, () -> NetworkConfigList.parse(b(json)));
        assertEquals(code, e.code());
        assertEquals(msg, e.msg());
    }

    @Test
    void cniArgsParseLikeLibcni() {
        CniArgs a = CniArgs.parse("IgnoreUnknown=1;IP=10.0.0.5,fd00::5;MAC=aa:bb:cc:dd:ee:ff;K8S_POD_NAME=web;K8S_POD_NAMESPACE=default;FOO=bar");
        assertTrue(a.ignoreUnknown());
        assertEquals(List.of("10.0.0.5", "fd00::5"), a.ips());
        assertEquals("aa:bb:cc:dd:ee:ff", a.mac().orElseThrow());
        assertEquals("web", a.k8sPodName().orElseThrow());
        assertEquals("default", a.k8sPodNamespace().orElseThrow());
        a.requireKnown("IP", "MAC"); // FOO tolerated because of IgnoreUnknown
        CniException e = assertThrows(CniException.class, () -> CniArgs.parse("IP=10.0.0.5;FOO=bar;X=1").requireKnown("IP"));
        assertEquals(4, e.code());
        assertEquals("ARGS: unknown args [\"FOO=bar\" \"X=1\"]", e.msg());
        assertEquals("ARGS: invalid pair \"foo\"", assertThrows(CniException.class, () -> CniArgs.parse("foo")).msg());
        assertEquals("ARGS: invalid pair \"a=b=c\"", assertThrows(CniException.class, () -> CniArgs.parse("a=b=c")).msg());
        assertFalse(CniArgs.parse("IgnoreUnknown=FALSE").ignoreUnknown());
        assertEquals(4, assertThrows(CniException.class, () -> CniArgs.parse("IgnoreUnknown=maybe")).code());
        assertTrue(CniArgs.parse("").asMap().isEmpty());
    }

    @Test
    void errorJsonCarriesVersionCodeMsgAndDetails() {
        CniException e = new CniException(7, "bad", "why").withVersion("1.1.0");
        assertEquals("{\"cniVersion\":\"1.1.0\",\"code\":7,\"msg\":\"bad\",\"details\":\"why\"}", GoJson.compact(e.toJson()));
        assertEquals("{\"code\":4,\"msg\":\"m\"}", GoJson.compact(new CniException(4, "m").toJson()));
    }
}
