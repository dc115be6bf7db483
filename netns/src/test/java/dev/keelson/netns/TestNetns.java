package dev.keelson.netns;

import dev.keelson.linux.Libc;
import dev.keelson.testing.Ip;

/**
 * A fresh network namespace pinned at /run/netns/NAME (private to the test JVM's sandbox), with an
 * rtnetlink handle on it, for kernel tests. {@link #close()} releases both and deletes every pinned
 * namespace, so that each test starts from none.
 *
 * <pre>{@code
 * @BeforeEach void setUp() { t = TestNetns.create("route"); t.ip("link", "add", ...); d0 = t.index("d0"); }
 * @AfterEach void tearDown() { t.close(); }
 * }</pre>
 */
public final class TestNetns implements AutoCloseable {
    private final String name;
    private final NetNamespace ns;
    private final Rtnetlink rtnl;

    private TestNetns(String name, NetNamespace ns, Rtnetlink rtnl) {
        this.name = name;
        this.ns = ns;
        this.rtnl = rtnl;
    }

    /** Creates namespace {@code name} and opens a handle on it. */
    public static TestNetns create(String name) {
        NetNamespace ns = NetNamespace.create(name);
        try {
            return new TestNetns(name, ns, Rtnetlink.open(ns));
        } catch (RuntimeException e) {
            ns.close();
            deleteAll();
            throw e;
        }
    }

    /** Deletes every namespace pinned under /run/netns (the test sandbox's own). */
    public static void deleteAll() {
        NetnsDirectory run = NetnsDirectory.system();
        for (String n : run.list()) {
            run.delete(n);
        }
    }

    public String name() {
        return name;
    }

    public NetNamespace ns() {
        return ns;
    }

    public Rtnetlink rtnl() {
        return rtnl;
    }

    /** Runs {@code ip -n NAME ARGS...}; returns its output. */
    public String ip(String... args) {
        return Ip.in(name, args);
    }

    /** The ifindex of link {@code link} in this namespace (if_nametoindex there). */
    public int index(String link) {
        return ns.run(() -> Libc.ifNameToIndex(link));
    }

    @Override
    public void close() {
        rtnl.close();
        ns.close();
        deleteAll();
    }
}
