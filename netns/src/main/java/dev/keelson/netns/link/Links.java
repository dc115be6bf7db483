package dev.keelson.netns.link;

import static dev.keelson.netns.link.IfNames.quote;

import dev.keelson.linux.AlreadyExistsException;
import dev.keelson.linux.Errno;
import dev.keelson.linux.ErrnoException;
import dev.keelson.linux.NotFoundException;
import dev.keelson.linux.NotSupportedException;
import dev.keelson.linux.netlink.MessageWriter;
import dev.keelson.linux.netlink.Netlink;
import dev.keelson.linux.rtnetlink.IfInfoMsg;
import dev.keelson.linux.rtnetlink.LinkAttrs;
import dev.keelson.linux.rtnetlink.Rtnl;
import dev.keelson.netns.NetNamespace;
import dev.keelson.netns.Rtnetlink;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The links (network interfaces) of one network namespace, over rtnetlink: create, read, change,
 * move and delete them without running {@code ip}.
 *
 * <h2>Examples</h2>
 * A pod's veth pair, the pod end created directly inside the pod's namespace, the host end
 * enslaved to a bridge:
 * <pre>{@code
 * try (Rtnetlink host = Rtnetlink.open(hostNs);             // or Rtnetlink.open() for "here"
 *      NetNamespace pod = NetNamespace.open("pod-1234")) {
 *     Links links = new Links(host);
 *     Link cni0 = links.ensure(Bridge.named("cni0").up());
 *     links.add(Veth.named("veth1a2b").peer("eth0", pod).mtu(1450));
 *     links.setMaster("veth1a2b", cni0.index());
 *     links.setBridgePort("veth1a2b", BridgePortOptions.NONE.hairpin(true));
 *     links.setUp("veth1a2b");
 *     try (Rtnetlink inPod = Rtnetlink.open(pod)) {
 *         new Links(inPod).setUp("eth0");
 *     }
 * }
 * }</pre>
 * Read back, change, clean up:
 * <pre>{@code
 * Link l = links.get("veth1a2b");           // NotFoundException if there is none
 * links.setMtu("veth1a2b", 9000);           // EINVAL with the kernel's reason if out of range
 * links.deleteIfExists("veth1a2b");         // the peer goes with it
 * }</pre>
 *
 * <h2>Errors</h2>
 * Kernel errors are typed {@link ErrnoException}s whose message names the request and the link and
 * carries the kernel's extended-ack text, e.g.
 * {@code RTM_NEWLINK("v0" mtu 10) failed: EINVAL (Invalid argument): mtu less than device minimum}:
 * {@link NotFoundException} (no such link: ENODEV), {@link AlreadyExistsException} (EEXIST),
 * {@link NotSupportedException} (a kind or option the kernel lacks: EOPNOTSUPP).
 *
 * <h2>Threads</h2>
 * A {@code Links} is as thread-safe as its {@link Rtnetlink}: calls from many threads are
 * serialised, one request at a time. Links on other namespaces need their own handle.
 */
public final class Links {
    private final Rtnetlink rtnl;
    private final LinkDecoder decoder = new LinkDecoder(); // used only inside rtnl callbacks (under its lock)

    /** The links of the namespace {@code rtnl} talks to. */
    public Links(Rtnetlink rtnl) {
        this.rtnl = rtnl;
    }

    // ---- reading ---------------------------------------------------------------------------

    /** The link named {@code name}; {@link NotFoundException} if there is none. */
    public Link get(String name) {
        IfNames.check(name);
        return rtnl.get("RTM_GETLINK", quote(name), w -> LinkEncoder.get(w, name, 0), decoder::decode);
    }

    /** The link with ifindex {@code index}; {@link NotFoundException} if there is none. */
    public Link get(int index) {
        return rtnl.get("RTM_GETLINK", "index " + index, w -> LinkEncoder.get(w, null, index), decoder::decode);
    }

    /** The link named {@code name}, if there is one. */
    public Optional<Link> find(String name) {
        try {
            return Optional.of(get(name));
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    /** The link with ifindex {@code index}, if there is one. */
    public Optional<Link> find(int index) {
        try {
            return Optional.of(get(index));
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    /** Every link of the namespace (one dump, without statistics). */
    public List<Link> list() {
        return rtnl.dump("RTM_GETLINK", LinkEncoder::dump, decoder::decode);
    }

    /** The ifindex of {@code name}; {@link NotFoundException} if there is none. */
    public int indexOf(String name) {
        return get(name).index();
    }

    // ---- creating and deleting --------------------------------------------------------------

    /**
     * Creates the link {@code spec} describes (RTM_NEWLINK with NLM_F_CREATE|NLM_F_EXCL).
     * {@link AlreadyExistsException} if its name (or a veth peer's name) is taken;
     * {@link NotSupportedException} if the kernel lacks the kind or an option;
     * {@link NotFoundException} if its lower device does not exist.
     */
    public void add(LinkSpec<?> spec) {
        int lower = lowerIndex(spec);
        try {
            rtnl.execute("RTM_NEWLINK", LinkEncoder.describe(spec), w -> LinkEncoder.create(w, spec, lower));
        } catch (NotSupportedException e) {
            throw explain(spec, e);
        }
    }

    /**
     * Creates all of {@code specs} with one datagram: the kernel runs the requests in order and
     * acknowledges each. Not atomic: when one fails, the others still ran, and the first error is
     * thrown after all were answered.
     */
    public void addAll(List<? extends LinkSpec<?>> specs) {
        if (specs.isEmpty()) {
            return;
        }
        int[] lower = new int[specs.size()];
        for (int i = 0; i < lower.length; i++) {
            lower[i] = lowerIndex(specs.get(i));
        }
        String what = LinkEncoder.describe(specs.get(0)) + (specs.size() > 1 ? " and " + (specs.size() - 1) + " more" : "");
        rtnl.execute("RTM_NEWLINK", what, w -> {
            for (int i = 0; i < lower.length; i++) {
                LinkEncoder.create(w, specs.get(i), lower[i]);
            }
        });
    }

    /**
     * Creates the link unless one of that name and kind already exists, and returns it as read back
     * (from the {@linkplain LinkOptions#namespace target namespace} when the spec names one). A link
     * of that name but another kind fails with an {@link AlreadyExistsException} saying so, e.g.
     * {@code "cni0" already exists but is not a bridge}. The options of an existing link are left
     * as they are. Safe to retry.
     */
    public Link ensure(LinkSpec<?> spec) {
        try {
            add(spec);
        } catch (AlreadyExistsException e) {
            Link existing = readBack(spec).orElseThrow(() -> e); // e.g. only the veth peer's name was taken
            if (!existing.is(spec.kind())) {
                throw e.withHint(quote(spec.name()) + " already exists but is not a " + spec.kind()
                        + (existing.kind() != null ? " (it is a " + existing.kind() + ")" : ""));
            }
            return existing;
        }
        return readBack(spec).orElseThrow(() -> ErrnoException.of("RTM_GETLINK", quote(spec.name()),
                Errno.ENODEV, "the link vanished right after it was created"));
    }

    /** Deletes the link (a veth's peer goes with it); {@link NotFoundException} if there is none. */
    public void delete(String name) {
        IfNames.check(name);
        rtnl.execute("RTM_DELLINK", quote(name), w -> delete(w, name, 0));
    }

    /** Deletes the link with ifindex {@code index}; {@link NotFoundException} if there is none. */
    public void delete(int index) {
        rtnl.execute("RTM_DELLINK", "index " + index, w -> delete(w, null, index));
    }

    /** Deletes the link if it exists; returns whether it did. */
    public boolean deleteIfExists(String name) {
        try {
            delete(name);
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    private static void delete(MessageWriter w, String name, int index) {
        int m = w.begin(Rtnl.RTM_DELLINK, Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK);
        long ifi = w.reserve(IfInfoMsg.SIZE);
        new IfInfoMsg().wrap(w.segment(), ifi).index(index);
        if (name != null) {
            w.putString(Rtnl.IFLA_IFNAME, name);
        }
        w.end(m);
    }

    // ---- changing ---------------------------------------------------------------------------

    /** Sets IFF_UP. */
    public void setUp(String name) {
        flags(name, "up", Rtnl.IFF_UP, Rtnl.IFF_UP);
    }

    /** Clears IFF_UP. */
    public void setDown(String name) {
        flags(name, "down", 0, Rtnl.IFF_UP);
    }

    /** Turns promiscuous mode on or off (IFF_PROMISC, as {@code ip link set DEV promisc on}). */
    public void setPromisc(String name, boolean on) {
        flags(name, on ? "promisc on" : "promisc off", on ? Rtnl.IFF_PROMISC : 0, Rtnl.IFF_PROMISC);
    }

    /** Sets the MTU; EINVAL (with the kernel's reason) when outside the device's min/max. */
    public void setMtu(String name, int mtu) {
        change(name, "mtu " + mtu, w -> w.putU32(Rtnl.IFLA_MTU, mtu));
    }

    /** Sets the MAC address. */
    public void setMac(String name, MacAddress mac) {
        change(name, "address " + mac, w -> w.putBytes(Rtnl.IFLA_ADDRESS, mac.bytes()));
    }

    /** Sets the transmit queue length. */
    public void setTxQueueLen(String name, int len) {
        change(name, "txqueuelen " + len, w -> w.putU32(Rtnl.IFLA_TXQLEN, len));
    }

    /** Sets the alias (IFLA_IFALIAS); null or empty removes it. */
    public void setAlias(String name, String alias) {
        if (alias == null || alias.isEmpty()) {
            change(name, "alias \"\"", w -> w.putBytes(Rtnl.IFLA_IFALIAS, new byte[0]));
        } else {
            change(name, "alias \"" + alias + "\"", w -> w.putString(Rtnl.IFLA_IFALIAS, alias));
        }
    }

    /** Renames the link; the kernel refuses (EBUSY) while it is up. */
    public void rename(String name, String newName) {
        IfNames.check(newName);
        int index = indexOf(name);
        rtnl.execute("RTM_NEWLINK", quote(name) + " name " + quote(newName), w -> {
            int m = LinkEncoder.change(w, null, index, 0, 0);
            w.putString(Rtnl.IFLA_IFNAME, newName);
            w.end(m);
        });
    }

    /** Enslaves the link to the bridge (or bond, VRF) with ifindex {@code masterIndex}. */
    public void setMaster(String name, int masterIndex) {
        change(name, "master index " + masterIndex, w -> w.putU32(Rtnl.IFLA_MASTER, masterIndex));
    }

    /** Enslaves the link to the bridge (or bond, VRF) named {@code master}. */
    public void setMaster(String name, String master) {
        int index;
        try {
            index = indexOf(master);
        } catch (NotFoundException e) {
            throw e.withHint("no master " + quote(master) + " for " + quote(name));
        }
        change(name, "master " + quote(master), w -> w.putU32(Rtnl.IFLA_MASTER, index));
    }

    /** Releases the link from its master (IFLA_MASTER 0). */
    public void noMaster(String name) {
        change(name, "nomaster", w -> w.putU32(Rtnl.IFLA_MASTER, 0));
    }

    /**
     * Moves the link into {@code ns} (IFLA_NET_NS_FD). This is slow in the kernel (≈ 15 ms): prefer
     * creating links directly in place ({@link LinkSpec#inNamespace}, {@link Veth#peer(String, NetNamespace)}).
     */
    public void moveToNamespace(String name, NetNamespace ns) {
        change(name, "netns " + ns, w -> w.putU32(Rtnl.IFLA_NET_NS_FD, ns.fd()));
    }

    /** Moves the link into the network namespace of process {@code pid} (IFLA_NET_NS_PID). */
    public void moveToPid(String name, int pid) {
        change(name, "netns pid " + pid, w -> w.putU32(Rtnl.IFLA_NET_NS_PID, pid));
    }

    /**
     * Sets bridge-port options of a link enslaved to a bridge; EOPNOTSUPP if it is not a bridge
     * port. Options left null are not changed.
     */
    public void setBridgePort(String name, BridgePortOptions options) {
        change(name, "bridge_slave " + options, w -> {
            int info = w.beginNested(Rtnl.IFLA_LINKINFO);
            w.putString(LinkAttrs.IFLA_INFO_SLAVE_KIND, Bridge.KIND);
            int data = w.beginNested(LinkAttrs.IFLA_INFO_SLAVE_DATA);
            options.write(w);
            w.endNested(data);
            w.endNested(info);
        });
    }

    // ---- helpers ----------------------------------------------------------------------------

    private void flags(String name, String what, int flags, int mask) {
        IfNames.check(name);
        rtnl.execute("RTM_NEWLINK", quote(name) + " " + what, w -> w.end(LinkEncoder.change(w, name, 0, flags, mask)));
    }

    private void change(String name, String what, Consumer<MessageWriter> attrs) {
        IfNames.check(name);
        rtnl.execute("RTM_NEWLINK", quote(name) + " " + what, w -> {
            int m = LinkEncoder.change(w, name, 0, 0, 0);
            attrs.accept(w);
            w.end(m);
        });
    }

    private int lowerIndex(LinkSpec<?> spec) {
        String lower = LinkEncoder.lowerName(spec);
        if (lower == null) {
            return 0;
        }
        try {
            return indexOf(lower);
        } catch (NotFoundException e) {
            throw e.withHint("the lower device of " + spec.kind() + " " + quote(spec.name()) + " does not exist");
        }
    }

    /** Reads the spec's link back from where it was created. */
    private Optional<Link> readBack(LinkSpec<?> spec) {
        NetNamespace target = spec.options().namespace();
        if (target == null) {
            return find(spec.name());
        }
        try (Rtnetlink there = Rtnetlink.open(target)) {
            return new Links(there).find(spec.name());
        }
    }

    /** Adds what the kernel does not say: which kind or option is likely missing. */
    private static ErrnoException explain(LinkSpec<?> spec, NotSupportedException e) {
        if (spec instanceof Bridge b && b.vlanFiltering() != null) {
            return e.withHint("bridge VLAN filtering needs a kernel with CONFIG_BRIDGE_VLAN_FILTERING");
        }
        if (e.detail() != null && e.detail().contains("Unknown device type")) {
            return e.withHint("this kernel has no " + quote(spec.kind()) + " link kind (module not built or not loaded)");
        }
        return e;
    }
}
