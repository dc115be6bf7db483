package dev.keelson.cni.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Results of every version read and printed back byte for byte in the reference's layout, and
 * converted between versions as libcni converts them.
 */
class ResultCodecTest {
    private static final ObjectMapper M = new ObjectMapper();

    private static final String V1_1 = """
            {
                "cniVersion": "1.1.0",
                "interfaces": [
                    {
                        "name": "eth0",
                        "mac": "0a:58:0a:16:00:05",
                        "mtu": 1450,
                        "sandbox": "/run/netns/a",
                        "socketPath": "/run/vhost.sock",
                        "pciID": "0000:00:1f.6"
                    }
                ],
                "ips": [
                    {
                        "interface": 0,
                        "address": "10.22.0.5/16",
                        "gateway": "10.22.0.1"
                    },
                    {
                        "interface": 0,
                        "address": "2001:db8::5/64"
                    }
                ],
                "routes": [
                    {
                        "dst": "0.0.0.0/0",
                        "gw": "10.22.0.1",
                        "mtu": 1400,
                        "advmss": 1360,
                        "priority": 100,
                        "table": 0,
                        "scope": 253
                    },
                    {
                        "dst": "::/0"
                    }
                ],
                "dns": {
                    "nameservers": [
                        "10.96.0.10"
                    ],
                    "domain": "cluster.local",
                    "search": [
                        "svc.cluster.local"
                    ],
                    "options": [
                        "ndots:5"
                    ]
                }
            }""";

    private static final String V1_0 = """
            {
                "cniVersion": "1.0.0",
                "interfaces": [
                    {
                        "name": "eth0",
                        "mac": "0a:58:0a:16:00:05",
                        "sandbox": "/run/netns/a"
                    }
                ],
                "ips": [
                    {
                        "interface": 0,
                        "address": "10.22.0.5/16",
                        "gateway": "10.22.0.1"
                    }
                ],
                "routes": [
                    {
                        "dst": "0.0.0.0/0"
                    }
                ],
                "dns": {}
            }""";

    private static final String V0_4 = """
            {
                "cniVersion": "0.4.0",
                "interfaces": [
                    {
                        "name": "eth0",
                        "mac": "0a:58:0a:16:00:05",
                        "sandbox": "/run/netns/a"
                    }
                ],
                "ips": [
                    {
                        "version": "4",
                        "interface": 0,
                        "address": "10.22.0.5/16",
                        "gateway": "10.22.0.1"
                    },
                    {
                        "version": "6",
                        "address": "2001:db8::5/64"
                    }
                ],
                "dns": {}
            }""";

    private static final String V0_2 = """
            {
                "cniVersion": "0.2.0",
                "ip4": {
                    "ip": "10.22.0.5/16",
                    "gateway": "10.22.0.1",
                    "routes": [
                        {
                            "dst": "0.0.0.0/0",
                            "gw": "10.22.0.1"
                        }
                    ]
                },
                "ip6": {
                    "ip": "2001:db8::5/64"
                },
                "dns": {
                    "nameservers": [
                        "10.96.0.10"
                    ]
                }
            }""";

    private static String roundTrip(String text) throws Exception {
        JsonNode n = M.readTree(text);
        Result r = ResultCodec.read(n, null);
        return GoJson.pretty(ResultCodec.write(r, SpecVersion.find(n.get("cniVersion").asText()).orElseThrow()));
    }

    @Test
    void current110ResultRoundTripsByteForByte() throws Exception {
        assertEquals(V1_1, roundTrip(V1_1));
    }

    @Test
    void result100RoundTripsByteForByte() throws Exception {
        assertEquals(V1_0, roundTrip(V1_0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.3.0", "0.3.1", "0.4.0"})
    void versionedIpsResultsRoundTripByteForByte(String v) throws Exception {
        String text = V0_4.replace("0.4.0", v);
        assertEquals(text, roundTrip(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.1.0", "0.2.0"})
    void legacyIp4Ip6ResultsRoundTripByteForByte(String v) throws Exception {
        String text = V0_2.replace("0.2.0", v);
        assertEquals(text, roundTrip(text));
    }

    @Test
    void downconvertingTo040DropsTheNewFieldsAndAddsIpVersions() throws Exception {
        Result r = ResultCodec.read(M.readTree(V1_1), null);
        JsonNode out = ResultCodec.write(r, SpecVersion.V0_4_0);
        JsonNode iface = out.get("interfaces").get(0);
        assertEquals(List.of("name", "mac", "sandbox"), names(iface));
        assertEquals("4", out.get("ips").get(0).get("version").asText());
        assertEquals("6", out.get("ips").get(1).get("version").asText());
        assertEquals(List.of("cniVersion", "interfaces", "ips", "routes", "dns"), names(out));
    }

    @Test
    void downconvertingTo020KeepsTheFirstAddressOfEachFamilyAndItsRoutes() throws Exception {
        Result r = ResultCodec.read(M.readTree(V1_1), null);
        String out = GoJson.compact(ResultCodec.write(r, SpecVersion.V0_2_0));
        assertEquals("{\"cniVersion\":\"0.2.0\",\"ip4\":{\"ip\":\"10.22.0.5/16\",\"gateway\":\"10.22.0.1\","
                + "\"routes\":[{\"dst\":\"0.0.0.0/0\",\"gw\":\"10.22.0.1\"}]},\"ip6\":{\"ip\":\"2001:db8::5/64\","
                + "\"routes\":[{\"dst\":\"::/0\"}]},\"dns\":{\"nameservers\":[\"10.96.0.10\"],\"domain\":\"cluster.local\","
                + "\"search\":[\"svc.cluster.local\"],\"options\":[\"ndots:5\"]}}", out);
    }

    @Test
    void upconvertingA020PrevResultGivesIpsAndRoutesInTheCurrentModel() throws Exception {
        Result r = ResultCodec.read(M.readTree(V0_2), null);
        assertEquals(2, r.ips().size());
        assertEquals("10.22.0.5/16", r.ips().get(0).address());
        assertEquals(null, r.ips().get(0).interfaceIndex());
        assertEquals(List.of(Route.of("0.0.0.0/0", "10.22.0.1")), r.routes());
        assertEquals(List.of("10.96.0.10"), r.dns().nameservers());
    }

    @Test
    void aPrevResultWithoutVersionTakesTheConfigVersion() throws Exception {
        Result r = ResultCodec.read(M.readTree("{\"ips\":[{\"version\":\"4\",\"address\":\"10.0.0.2/24\"}]}"), "0.4.0");
        assertEquals("0.4.0", r.cniVersion());
        assertEquals("10.0.0.2/24", r.ips().get(0).address());
    }

    @Test
    void convertingAResultWithoutAddressesTo020FailsAsTheReference() {
        Result r = Result.of(List.of(Interface.of("lo", null, null)), List.of(), List.of(), Dns.EMPTY);
        CniException e = assertThrows(CniException.class, () -> ResultCodec.write(r, SpecVersion.V0_2_0));
        assertEquals("cannot convert: no valid IP addresses", e.msg());
    }

    @Test
    void addressesArePrintedAsGoPrintsThem() {
        assertEquals("2001:db8::1/64", new IpConfig(null, "2001:DB8:0:0:0:0:0:1/64", null).address());
        assertEquals("2001:db8:0:1::1/64", Cidr.canonical("2001:db8:0:1:0:0:0:1/64"));
        assertEquals("::1/128", Cidr.canonical("0:0:0:0:0:0:0:1/128"));
        assertEquals("fe80::/10", Cidr.canonical("fe80::/10"));
        assertEquals("10.1.0.5/24", Cidr.canonical("10.1.0.5/24"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.1", "10.0.0.1/33", "10.0.0/8", "::1/129", "host/8", "10.0.0.1/-1", "10.0.0.1/+8"})
    void badCidrsAreDecodeFailures(String cidr) throws Exception {
        JsonNode n = M.readTree("{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"" + cidr + "\"}]}");
        CniException e = assertThrows(CniException.class, () -> ResultCodec.read(n, null));
        assertEquals(CniException.DECODING_FAILURE, e.code());
    }

    @Test
    void anUnknownResultVersionIsIncompatible() throws Exception {
        CniException e = assertThrows(CniException.class,
                () -> ResultCodec.read(M.readTree("{\"cniVersion\":\"2.0.0\"}"), null));
        assertEquals(CniException.INCOMPATIBLE_VERSION, e.code());
    }

    @Test
    void goJsonEscapesHtmlCharactersAsGoDoes() {
        assertEquals("{\"msg\":\"a\\u003cb\\u003e\\u0026\\\"\\n\\u0001\"}",
                GoJson.compact(M.createObjectNode().put("msg", "a<b>&\"\n\u0001")));
    }

    private static List<String> names(JsonNode o) {
        List<String> l = new java.util.ArrayList<>();
        o.fieldNames().forEachRemaining(l::add);
        return l;
    }
}
