package dev.keelson.netns.link;

import dev.keelson.netns.NetNamespace;
import dev.keelson.netns.Rtnetlink;
import dev.keelson.netns.TestNetns;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Two fresh namespaces, "la" and "lb", with a Links handle on each; everything is deleted afterwards. */
abstract class LinkFixture {
    static final String A = "la";
    static final String B = "lb";

    NetNamespace nsA;
    NetNamespace nsB;
    Rtnetlink rtnlA;
    Rtnetlink rtnlB;
    Links links;
    Links linksB;

    @BeforeEach
    void namespaces() {
        nsA = NetNamespace.create(A);
        nsB = NetNamespace.create(B);
        rtnlA = Rtnetlink.open(nsA);
        rtnlB = Rtnetlink.open(nsB);
        links = new Links(rtnlA);
        linksB = new Links(rtnlB);
    }

    @AfterEach
    void cleanUp() {
        rtnlA.close();
        rtnlB.close();
        nsA.close();
        nsB.close();
        TestNetns.deleteAll();
    }

    /** A veth pair in "la" to serve as a lower device (this machine has no dummy links). */
    void lowerVeth(String name) {
        links.add(Veth.named(name).peer(name + "p"));
    }
}
