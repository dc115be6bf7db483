package dev.keelson.cni.plugins.hostlocal;

import static dev.keelson.cni.plugins.hostlocal.Twin.conf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Keelson's host-local plugin against {@code /usr/lib/cni/host-local} v1.1.1: the same
 * environment and config go to both, each with its own data directory; exit codes, printed
 * bytes and the data directory trees must agree. Where they deliberately differ (error codes of
 * config and CNI_ARGS errors) the test says so and checks both sides.
 */
class HostLocalDifferentialTest {
    private static final String DUAL = "\"ranges\":[[{\"subnet\":\"10.1.0.0/24\"}],[{\"subnet\":\"fd00:1::/64\"}]],"
            + "\"routes\":[{\"dst\":\"0.0.0.0/0\"},{\"dst\":\"192.168.5.7/16\",\"gw\":\"10.1.0.254\"},{\"dst\":\"::/0\",\"gw\":\"fd00:1::9\"}]";

    @TempDir
    Path tmp;
    Twin twin;

    @BeforeEach
    void setUp() {
        twin = new Twin(tmp);
    }

    private String resolvConf() throws Exception {
        Path f = tmp.resolve("resolv.conf");
        Files.writeString(f, """
                # a comment
                nameserver 10.255.0.53
                nameserver fd00::53
                domain example.test
                search a.example.test b.example.test
                options ndots:2 timeout:1
                """);
        return ",\"resolvConf\":\"" + f + "\"";
    }

    @ParameterizedTest(name = "cniVersion {0}")
    @ValueSource(strings = {"0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0"})
    void dualStackAddWithRoutesAndDnsPrintsTheReferencesBytesForEachVersion(String version) throws Exception {
        String conf = conf(version, DUAL + resolvConf());
        Twin.Pair p = twin.run("ADD", "ctr-a", "", conf).sameOutput();
        assertTrue(p.ours().out().contains("\"search\""), p.ours().out());
        twin.sameTrees();
    }

    @Test
    void version110PrintsThe100ShapeRelabelled() throws Exception {
        // The reference does not speak 1.1.0; an IPAM result has the same fields in 1.0.0 and 1.1.0.
        String rest = DUAL + resolvConf();
        var ref = dev.keelson.cni.skel.Invocation.reference("host-local", Twin.env("ADD", "ctr-a", "eth0", ""),
                conf("1.0.0", rest).replace("@DIR@", twin.refDir.toString()));
        var ours = twin.ours(Twin.env("ADD", "ctr-a", "eth0", ""), conf("1.1.0", rest));
        assertEquals(0, ours.exit(), ours.out());
        assertEquals(0, ref.exit(), ref.out());
        assertEquals(ref.out().replace("\"1.0.0\"", "\"1.1.0\""), ours.out());
        twin.sameTrees();
    }

    @Test
    void configWithoutCniVersionIsAnsweredAs010() {
        String conf = "{\"name\":\"hlnet\",\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"@DIR@\",\"subnet\":\"10.9.0.0/24\"}}";
        Twin.Pair p = twin.run("ADD", "ctr-a", "", conf).sameOutput();
        assertTrue(p.ours().out().startsWith("{\n    \"cniVersion\": \"0.1.0\",\n    \"ip4\""), p.ours().out());
        twin.sameTrees();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            ipv4 legacy subnet, own gateway | "subnet":"10.2.0.0/24","gateway":"10.2.0.100"
            ipv6 only                       | "ranges":[[{"subnet":"fd00:2::/120"}]]
            range start and end             | "ranges":[[{"subnet":"10.3.0.0/24","rangeStart":"10.3.0.200","rangeEnd":"10.3.0.203"}]]
            two ranges in one set           | "ranges":[[{"subnet":"10.4.0.0/30"},{"subnet":"10.5.0.0/29"}]]
            dual stack                      | "ranges":[[{"subnet":"10.6.0.0/24"}],[{"subnet":"fd00:6::/64","gateway":"fd00:6::ff"}]]
            routes with gateways            | "subnet":"10.7.0.0/24","routes":[{"dst":"10.0.0.0/8","gw":"10.7.0.254"},{"dst":"172.16.3.4/12"}]
            """)
    void successiveAddsAllocateAndPrintAsTheReference(String name, String ipam) {
        String conf = conf("1.0.0", ipam);
        for (String id : new String[] {"c1", "c2", "c3", "c4"}) {
            twin.run("ADD", id, "", conf).sameOutput();
        }
        twin.sameTrees();
    }

    @Test
    void delReleasesIdempotentlyAndTheNextAddContinuesRoundRobin() {
        String conf = conf("0.4.0", "\"ranges\":[[{\"subnet\":\"10.8.0.0/29\"}],[{\"subnet\":\"fd00:8::/125\"}]]");
        twin.run("ADD", "a", "", conf).sameOutput();
        twin.run("ADD", "b", "", conf).sameOutput();
        Twin.Pair del = twin.run("DEL", "a", "", conf).sameOutput();
        assertEquals("", del.ours().out());
        assertFalse(Files.exists(twin.ourDir.resolve("hlnet/10.8.0.2")));
        twin.run("DEL", "a", "", conf).sameOutput();
        twin.run("DEL", "never-added", "", conf).sameOutput();
        twin.sameTrees();
        Twin.Pair again = twin.run("ADD", "a", "", conf).sameOutput();
        // Round robin: the released .2 is not handed out again before the range wraps.
        assertTrue(again.ours().out().contains("10.8.0.4/29"), again.ours().out());
        twin.run("ADD", "c", "", conf).sameOutput();
        twin.sameTrees();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            CNI_ARGS address          | IP=10.10.0.77            | "subnet":"10.10.0.0/24"
            CNI_ARGS CIDR             | IP=10.10.0.78/24         | "subnet":"10.10.0.0/24"
            CNI_ARGS empty IP         | IP=                      | "subnet":"10.10.0.0/24"
            CNI_ARGS ignored unknown  | IgnoreUnknown=1;FOO=bar  | "subnet":"10.10.0.0/24"
            CNI_ARGS v6 in dual stack | IP=fd00:10::99           | "ranges":[[{"subnet":"10.10.0.0/24"}],[{"subnet":"fd00:10::/64"}]]
            """)
    void requestedAddressesThroughCniArgsAreAllocated(String name, String args, String ipam) {
        String conf = conf("1.0.0", ipam);
        twin.run("ADD", "first", "", conf).sameOutput();
        twin.run("ADD", "req", args, conf).sameOutput();
        twin.sameTrees();
    }

    @Test
    void requestedAddressesInTheConfigAreAllocated() {
        String conf = "{\"cniVersion\":\"1.0.0\",\"name\":\"hlnet\",\"args\":{\"cni\":{\"ips\":[\"10.11.0.50\"]}},"
                + "\"runtimeConfig\":{\"ips\":[\"fd00:11::50/64\"]},\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"@DIR@\","
                + "\"ranges\":[[{\"subnet\":\"10.11.0.0/24\"}],[{\"subnet\":\"fd00:11::/64\"}]]}}";
        Twin.Pair p = twin.run("ADD", "c", "", conf).sameOutput();
        assertTrue(p.ours().out().contains("10.11.0.50/24") && p.ours().out().contains("fd00:11::50/64"), p.ours().out());
        twin.sameTrees();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            taken address     | IP=10.12.0.2
            the gateway       | IP=10.12.0.1
            outside the range | IP=192.168.9.9
            """)
    void unavailableRequestedAddressesFailAsInTheReference(String name, String args) {
        String conf = conf("1.0.0", "\"subnet\":\"10.12.0.0/24\"");
        twin.run("ADD", "holder", "", conf).sameOutput();
        assertEquals("999/999", twin.run("ADD", "req", args, conf).sameMessage());
        twin.sameTrees();
    }

    @Test
    void anExhaustedRangeFailsWithTheReferencesErrorAndLeavesNothingBehind() {
        String conf = conf("0.3.1", "\"ranges\":[[{\"subnet\":\"10.13.0.0/30\"}],[{\"subnet\":\"fd00:13::/64\"}]]");
        twin.run("ADD", "a", "", conf).sameOutput();
        Twin.Pair p = twin.run("ADD", "b", "", conf);
        assertEquals("999/999", p.sameMessage());
        assertEquals(p.ref().errorWithoutVersion(), p.ours().errorWithoutVersion());
        // Deliberate: Keelson's error carries the config's version (the spec's error format).
        assertEquals("0.3.1", p.ours().json().get("cniVersion").asText());
        twin.sameTrees();
    }

    @Test
    void aSecondAddForTheSameAttachmentIsRefusedAsDuplicate() {
        String conf = conf("1.0.0", "\"subnet\":\"10.14.0.0/24\"");
        twin.run("ADD", "a", "", conf).sameOutput();
        assertEquals("999/999", twin.run("ADD", "a", "", conf).sameMessage());
        twin.sameTrees();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            no ranges             | "routes":[]                                                          | 7
            start outside subnet  | "subnet":"10.0.0.0/24","rangeStart":"10.0.1.1"                       | 7
            overlapping sets      | "ranges":[[{"subnet":"10.0.0.0/24"}],[{"subnet":"10.0.0.0/16"}]]     | 7
            host bits in subnet   | "subnet":"10.0.0.5/24"                                               | 7
            missing resolv.conf   | "subnet":"10.0.0.0/24","resolvConf":"/nonexistent/resolv.conf"       | 7
            """)
    void badConfigsFailWithTheReferencesMessageAndTheSpecsCode(String name, String ipam, int ourCode) {
        // Deliberate: the reference reports every error as 999; Keelson keeps the spec's code.
        assertEquals("999/" + ourCode, twin.run("ADD", "a", "", conf("1.0.0", ipam)).sameMessage());
        assertTrue(Twin.tree(twin.ourDir.resolve(Twin.NETWORK)).isEmpty());
    }

    @Test
    void missingIpamSectionIsNamed() {
        String conf = "{\"cniVersion\":\"1.0.0\",\"name\":\"hlnet\",\"type\":\"bridge\"}";
        assertEquals("999/7", twin.run("ADD", "a", "", conf).sameMessage());
    }

    @Test
    void wronglyTypedRangesAreADecodeError() {
        Twin.Pair p = twin.run("ADD", "a", "", conf("1.0.0", "\"ranges\":\"x\""));
        assertEquals(999, p.ref().json().get("code").asInt());
        assertEquals(6, p.ours().json().get("code").asInt(), p.ours().out());
        assertTrue(p.ours().json().get("msg").asText().contains("ranges"), p.ours().out());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown key on ADD | ADD | FOO=1
            unknown key on DEL | DEL | FOO=1
            bad IP             | ADD | IP=bad
            IP list, bad entry | ADD | IP=10.0.0.300
            """)
    void badCniArgsFailWithTheReferencesMessageAndCode4(String name, String cmd, String args) {
        // Deliberate: a bad environment variable is the spec's code 4 (the reference says 999).
        assertEquals("999/4", twin.run(cmd, "a", args, conf("1.0.0", "\"subnet\":\"10.0.0.0/24\"")).sameMessage());
    }

    @Test
    void checkPassesForAnAddedAttachmentAndFailsForOthersAsTheReference() {
        String conf = conf("1.0.0", "\"subnet\":\"10.15.0.0/24\"");
        twin.run("ADD", "a", "", conf).sameOutput();
        assertEquals("", twin.run("CHECK", "a", "", conf).sameOutput().ours().out());
        assertEquals("999/999", twin.run("CHECK", "b", "", conf).sameMessage());
        twin.run("DEL", "a", "", conf).sameOutput();
        assertEquals("999/999", twin.run("CHECK", "a", "", conf).sameMessage());
    }

    @Test
    void addressesAreStillDistinctAcrossSeveralAddsAndReleases() {
        String conf = conf("1.0.0", "\"subnet\":\"10.16.0.0/29\"");
        for (int i = 0; i < 5; i++) {
            twin.run("ADD", "c" + i, "", conf).sameOutput();
        }
        assertEquals("999/999", twin.run("ADD", "c5", "", conf).sameMessage());
        twin.run("DEL", "c2", "", conf).sameOutput();
        Twin.Pair p = twin.run("ADD", "c5", "", conf).sameOutput();
        assertTrue(p.ours().out().contains("10.16.0.4/29"), p.ours().out());
        assertNotEquals(Twin.tree(twin.ourDir.resolve("hlnet")).size(), 0);
        twin.sameTrees();
    }

    @Test
    void delOnAFreshDataDirectorySucceedsAndLeavesTheSameTree() {
        String conf = conf("1.0.0", "\"subnet\":\"10.17.0.0/24\"");
        assertEquals("", twin.run("DEL", "nobody", "", conf).sameOutput().ours().out());
        twin.sameTrees();
        assertTrue(Files.exists(twin.ourDir.resolve("hlnet/lock")));
    }

    @Test
    void aCommaSeparatedIpListIsAcceptedWhereTheReferenceRefusesIt() {
        // Deliberate: later reference releases take IP=a,b (one per range set); v1.1.1 takes one address.
        String conf = conf("1.0.0", "\"ranges\":[[{\"subnet\":\"10.18.0.0/24\"}],[{\"subnet\":\"fd00:18::/64\"}]]");
        Twin.Pair p = twin.run("ADD", "a", "IP=10.18.0.40,fd00:18::40", conf);
        assertEquals(1, p.ref().exit(), p.ref().out());
        assertEquals(0, p.ours().exit(), p.ours().out());
        assertTrue(p.ours().out().contains("\"10.18.0.40/24\"") && p.ours().out().contains("\"fd00:18::40/64\""), p.ours().out());
        assertEquals("a\r\neth0", readOurs("10.18.0.40"));
    }

    private String readOurs(String name) {
        try {
            return Files.readString(twin.ourDir.resolve(Twin.NETWORK).resolve(name));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
