package dev.keelson.cni.ipam.hostlocal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigValidationTest {
    @TempDir
    Path tmp;

    private String conf(String version, String ipam) {
        return "{\"cniVersion\":\"" + version + "\",\"name\":\"net1\",\"type\":\"bridge\",\"ipam\":{\"type\":\"host-local\","
                + "\"dataDir\":\"" + tmp + "\"" + (ipam.isEmpty() ? "" : "," + ipam) + "}}";
    }

    /** Each invalid config is refused with the reference's own message (it uses code 999; we use 7). */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            slash31          | "subnet":"10.0.0.0/31"
            slash32          | "subnet":"10.0.0.7/32"
            v6slash127       | "subnet":"fd00::/127"
            noRanges         | "routes":[]
            emptyRangeSet    | "ranges":[[]]
            hostBits         | "subnet":"10.0.0.5/24"
            startOutside     | "subnet":"10.0.0.0/24","rangeStart":"10.0.1.1"
            endOutside       | "subnet":"10.0.0.0/24","rangeEnd":"10.0.1.1"
            endBeforeStart   | "subnet":"10.0.0.0/24","rangeStart":"10.0.0.50","rangeEnd":"10.0.0.20"
            mixedFamilies    | "ranges":[[{"subnet":"10.0.0.0/24"},{"subnet":"fd00::/64"}]]
            overlapInSet     | "ranges":[[{"subnet":"10.0.0.0/24"},{"subnet":"10.0.0.0/25"}]]
            overlapAcrossSet | "ranges":[[{"subnet":"10.0.0.0/24"}],[{"subnet":"10.0.0.0/16"}]]
            legacyOverlaps   | "subnet":"10.0.0.0/24","ranges":[[{"subnet":"10.0.0.128/25"}]]
            partialOverlap   | "ranges":[[{"subnet":"10.0.0.0/24","rangeStart":"10.0.0.10","rangeEnd":"10.0.0.20"},{"subnet":"10.0.0.0/24","rangeStart":"10.0.0.20","rangeEnd":"10.0.0.30"}]]
            """)
    void invalidConfigsAreRefusedWithTheReferencesMessage(String name, String ipam) {
        String conf = conf("1.0.0", ipam);
        String expected = Reference.add("c", conf).errorMessage();
        IpamException e = assertThrows(IpamException.class, () -> HostLocalConfig.parse(conf));
        assertEquals(expected, e.getMessage());
        assertEquals(IpamException.INVALID_CONFIG, e.code());
    }

    @Test
    void twoSetsOfOneFamilyNeedCni030() {
        String conf = conf("0.2.0", "\"ranges\":[[{\"subnet\":\"10.0.0.0/24\"}],[{\"subnet\":\"10.1.0.0/24\"}]]");
        IpamException e = assertThrows(IpamException.class, () -> HostLocalConfig.parse(conf));
        assertEquals(Reference.add("c", conf).errorMessage(), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            notJson       | {"cniVersion":
            subnetNumber  | {"name":"n","ipam":{"subnet":5}}
            badSubnet     | {"name":"n","ipam":{"subnet":"10.0.0.0/33"}}
            badGateway    | {"name":"n","ipam":{"subnet":"10.0.0.0/24","gateway":"10.0.0.256"}}
            hostnameStart | {"name":"n","ipam":{"subnet":"10.0.0.0/24","rangeStart":"localhost"}}
            rangesObject  | {"name":"n","ipam":{"ranges":{"subnet":"10.0.0.0/24"}}}
            """)
    void malformedFieldsAreDecodeErrors(String name, String conf) {
        IpamException e = assertThrows(IpamException.class, () -> HostLocalConfig.parse(conf));
        assertEquals(IpamException.DECODE, e.code(), e.getMessage());
    }

    @Test
    void missingIpamIsNamed() {
        IpamException e = assertThrows(IpamException.class, () -> HostLocalConfig.parse("{\"name\":\"n\"}"));
        assertEquals("IPAM config missing 'ipam' key", e.getMessage());
    }

    @Test
    void networkNameThatIsNotAPathComponentIsRefused() {
        IpamException e = assertThrows(IpamException.class,
                () -> HostLocalConfig.parse("{\"name\":\"../etc\",\"ipam\":{\"subnet\":\"10.0.0.0/24\"}}"));
        assertEquals(IpamException.INVALID_CONFIG, e.code());
    }

    @Test
    void defaultsFollowTheReference() throws Exception {
        HostLocalConfig c = HostLocalConfig.parse("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"ipam\":{\"type\":\"host-local\","
                + "\"subnet\":\"10.0.0.0/24\",\"ranges\":[[{\"subnet\":\"fd00::/120\",\"gateway\":\"fd00::fe\"}]],"
                + "\"routes\":[{\"dst\":\"0.0.0.0/0\",\"gw\":\"10.0.0.9\"}]},"
                + "\"runtimeConfig\":{\"ips\":[\"10.0.0.7/24\"],\"ipRanges\":[[{\"subnet\":\"192.168.0.0/30\"}]]}}");
        assertEquals(Path.of("/var/lib/cni/networks/n"), c.networkDir());
        assertEquals(3, c.ranges().size());
        IpRange runtime = c.ranges().get(0).ranges().getFirst();
        assertEquals("192.168.0.1-192.168.0.2", runtime.toString(), "runtime ipRanges first; /30 leaves .1-.2");
        IpRange legacy = c.ranges().get(1).ranges().getFirst();
        assertEquals("10.0.0.1-10.0.0.254", legacy.toString(), "broadcast excluded");
        assertEquals(InetAddress.getByName("10.0.0.1"), legacy.gateway());
        IpRange v6 = c.ranges().get(2).ranges().getFirst();
        assertEquals("fd00::1-fd00::ff", v6.toString(), "IPv6 has no broadcast to exclude");
        assertEquals(InetAddress.getByName("fd00::fe"), v6.gateway());
        assertEquals(List.of(InetAddress.getByName("10.0.0.7")), c.requestedIps());
        assertEquals("0.0.0.0/0", c.routes().getFirst().dst().toString());
    }

    @Test
    void fieldNamesMatchCaseInsensitivelyLikeGo() throws Exception {
        String conf = conf("1.0.0", "\"Subnet\":\"10.0.0.0/24\",\"RANGESTART\":\"10.0.0.100\"");
        HostLocalConfig c = HostLocalConfig.parse(conf);
        assertEquals("10.0.0.100-10.0.0.254", c.ranges().getFirst().ranges().getFirst().toString());
        assertEquals(List.of("10.0.0.100/24"), Reference.add("c", conf).addresses());
    }
}
