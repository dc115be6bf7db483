package dev.keelson.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.netns.addr.Address;
import dev.keelson.netns.addr.Addresses;
import dev.keelson.netns.event.LinkEvent;
import dev.keelson.netns.event.NetEvents;
import dev.keelson.netns.link.Bridge;
import dev.keelson.netns.link.BridgePortOptions;
import dev.keelson.netns.link.Link;
import dev.keelson.netns.link.Links;
import dev.keelson.netns.link.Veth;
import dev.keelson.netns.route.Route;
import dev.keelson.netns.route.Routes;
import dev.keelson.netns.sysctl.IpFamily;
import dev.keelson.netns.sysctl.Sysctls;
import dev.keelson.testing.Command;
import dev.keelson.testing.Ip;
import dev.keelson.testing.KernelTest;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The CNI example of netns/README.md, run as written (with a "host" namespace of its own), and checked with ip. */
@KernelTest
class ReadmeExampleTest {

    @AfterEach
    void cleanUp() {
        TestNetns.deleteAll();
    }

    @Test
    void theReadmeExampleWiresAPodAsItSays() throws Exception {
        try (NetNamespace hostNs = NetNamespace.create("host-1"); NetNamespace pod = NetNamespace.create("pod-1");
             Rtnetlink host = Rtnetlink.open(hostNs);
             Rtnetlink inPod = Rtnetlink.open(pod).strict()) {
            Links links = new Links(host);
            Link cni0 = links.ensure(Bridge.named("cni0").up());
            links.add(Veth.named("veth1a2b").peer("eth0", pod).mtu(1450).up());
            links.setMaster("veth1a2b", cni0.index());
            links.setBridgePort("veth1a2b", BridgePortOptions.NONE.hairpin(true));

            Links podLinks = new Links(inPod);
            podLinks.setUp("eth0");
            int eth0 = podLinks.indexOf("eth0");
            new Addresses(inPod).add(Address.of(eth0, "10.22.0.5/16"));
            new Routes(inPod).add(Route.to("0.0.0.0/0").withGateway("10.22.0.1").withOif(eth0));

            Sysctls.of(pod).setInterface(IpFamily.IPV4, "eth0", "arp_notify", "1");
            LinkEvent up = NetEvents.awaitLink(pod, "eth0", LinkEvent::isRunning, Duration.ofSeconds(5));
            assertTrue(up.isRunning());

            assertEquals("cni0", Ip.link("host-1", "veth1a2b").get("master"));
            assertEquals(1450L, Ip.num(Ip.link("pod-1", "eth0"), "mtu"));
            assertTrue(Ip.in("pod-1", "-4", "addr", "show", "dev", "eth0").contains("10.22.0.5/16"));
            assertTrue(Ip.in("pod-1", "route", "show", "default").contains("via 10.22.0.1 dev eth0"));
            assertEquals("1", Command.ok("ip", "netns", "exec", "pod-1", "cat", "/proc/sys/net/ipv4/conf/eth0/arp_notify").strip());
        }
    }
}
