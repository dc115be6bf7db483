package dev.keelson.cni.ipam.hostlocal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The same sequence of ADDs and DELs through the reference binary (in one data directory) and
 * through {@link HostLocal} (in another): the same address choices and errors at every step, and
 * byte-identical directory trees (names, modes, contents) after every step.
 */
class DifferentialAllocationTest {
    @TempDir
    Path refDir;
    @TempDir
    Path ourDir;

    /** Range layouts: IPv4 with a mid-range gateway and two ranges, IPv6, dual-stack, runtime requests. */
    @ParameterizedTest
    @ValueSource(strings = {
        "\"ranges\":[[{\"subnet\":\"10.9.0.0/29\",\"gateway\":\"10.9.0.3\"},{\"subnet\":\"10.9.1.0/24\",\"rangeStart\":\"10.9.1.250\"}]]",
        "\"ranges\":[[{\"subnet\":\"fd00:1::/125\"}]]",
        "\"subnet\":\"10.8.0.0/29\",\"ranges\":[[{\"subnet\":\"fd00:2::/126\"},{\"subnet\":\"fd00:3::/125\",\"rangeEnd\":\"fd00:3::5\"}]]",
    })
    void sameChoicesAndSameBytesOnDisk(String ipam) throws Exception {
        String template = "{\"cniVersion\":\"1.0.0\",\"name\":\"net1\",\"type\":\"bridge\",\"ipam\":{\"type\":\"host-local\","
                + "\"dataDir\":\"%s\"," + ipam + "}}";
        String refConf = template.formatted(refDir);
        HostLocalConfig ours = HostLocalConfig.parse(template.formatted(ourDir));

        List<String[]> steps = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            steps.add(new String[] {"ADD", "c" + i, "eth0", ""});
        }
        steps.add(new String[] {"ADD", "c0", "eth0", ""}); // duplicate
        steps.add(new String[] {"DEL", "c2", "eth0", ""});
        steps.add(new String[] {"DEL", "c2", "eth0", ""}); // idempotent
        steps.add(new String[] {"ADD", "c0", "net1", ""}); // second interface of a container
        for (int i = 6; i < 14; i++) {
            steps.add(new String[] {"ADD", "c" + i, "eth0", ""}); // wraps around, then exhausts
        }
        steps.add(new String[] {"DEL", "c4", "eth0", ""});
        steps.add(new String[] {"DEL", "c1", "eth0", ""});
        steps.add(new String[] {"ADD", "c20", "eth0", ""});
        steps.add(new String[] {"ADD", "c21", "eth0", ""});

        for (String[] s : steps) {
            Reference ref = Reference.run(s[0], s[1], s[2], s[3], refConf);
            String step = String.join(" ", s);
            if (s[0].equals("ADD")) {
                String expected = ref.exit() == 0 ? String.join(",", ref.addresses()) : ref.errorMessage();
                assertEquals(expected, ourAdd(ours, s[1], s[2]), step);
            } else {
                assertEquals(0, ref.exit(), ref.out());
                HostLocal.del(ours, new Attachment(s[1], s[2]));
            }
            assertEquals(Reference.tree(refDir.resolve("net1")), Reference.tree(ourDir.resolve("net1")), step);
        }
    }

    private static String ourAdd(HostLocalConfig c, String id, String ifname) {
        try {
            return String.join(",", HostLocal.add(c, new Attachment(id, ifname), List.<InetAddress>of()).ips().stream()
                    .map(Allocation::cidr).toList());
        } catch (IpamException e) {
            return e.getMessage();
        }
    }
}
