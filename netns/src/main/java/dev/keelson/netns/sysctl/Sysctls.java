package dev.keelson.netns.sysctl;

import dev.keelson.linux.Errno;
import dev.keelson.linux.ErrnoException;
import dev.keelson.netns.NetNamespace;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The network sysctls ({@code net.*}) of one network namespace, read and written without touching
 * any other namespace's — the host's included.
 *
 * <pre>{@code
 * Sysctls s = Sysctls.of(podNs);
 * s.setIpForward(true);                                   // net.ipv4.ip_forward = 1
 * s.setRpFilter("eth0", RpFilter.LOOSE);                  // net.ipv4.conf.eth0.rp_filter = 2
 * s.setInterface(IpFamily.IPV6, "eth0.100", "accept_dad", "0");
 * String v = s.get("net.ipv4.conf.eth0/100.forwarding");  // sysctl(8) spelling of eth0.100
 * }</pre>
 *
 * <p>Why a namespace thread: the kernel resolves files under /proc/sys/net in the network
 * namespace of the <em>thread</em> that opens them, so each access runs inside {@link NetNamespace#run}.
 *
 * <p>Keys: dotted ({@code net.ipv4.ip_forward}, a dot inside an interface name written as a slash,
 * as in sysctl(8)) or slashed ({@code net/ipv4/conf/eth0.100/rp_filter}); see {@link #path(String)}.
 * Only keys under {@code net} are accepted ({@link IllegalArgumentException} otherwise).
 *
 * <p>Errors are typed: an unknown key (or interface) is {@link dev.keelson.linux.NotFoundException};
 * a value the kernel refuses is an {@link ErrnoException} with EINVAL (or ERANGE...) whose message
 * names key and value, e.g. {@code sysctl(net.ipv4.conf.all.rp_filter = "7") failed: EINVAL
 * (Invalid argument)}; a read-only key is {@link dev.keelson.linux.PermissionException}.
 */
public final class Sysctls {
    private static final Path PROC_SYS = Path.of("/proc/sys");
    /** errnos a sysctl handler returns, to recognise in the JDK's IOException text (it keeps only strerror). */
    private static final int[] KNOWN = {Errno.EINVAL, Errno.ERANGE, Errno.EPERM, Errno.EACCES, Errno.ENOENT,
        Errno.ENODEV, Errno.EBUSY, Errno.EOPNOTSUPP, Errno.ENOSPC, Errno.ENOMEM, Errno.EAGAIN};

    private final NetNamespace ns;

    private Sysctls(NetNamespace ns) {
        this.ns = ns;
    }

    /** The sysctls of {@code ns} (which must stay open while this is used). */
    public static Sysctls of(NetNamespace ns) {
        return new Sysctls(ns);
    }

    /**
     * The sysctls of the calling thread's own namespace, read and written on the calling thread
     * without a visit to a namespace thread: /proc/sys/net resolves to the namespace of the task
     * that opens a file. Use it only on a thread that stays in one namespace while it uses this
     * (e.g. inside {@link NetNamespace#run}, or a plugin working on the host side).
     */
    public static Sysctls here() {
        return new Sysctls(null);
    }

    /** The path under /proc/sys that {@code key} names, e.g. {@code net/ipv4/conf/eth0.100/rp_filter}; checks the key. */
    public static String path(String key) {
        return SysctlKey.parse(key).path();
    }

    // ------------------------------------------------------------------ generic

    /** The value of {@code key}, without the trailing newline (fields of a multi-value key are tab-separated). */
    public String get(String key) {
        SysctlKey k = SysctlKey.parse(key);
        return read(k);
    }

    /** The value of {@code key} as an integer. */
    public int getInt(String key) {
        SysctlKey k = SysctlKey.parse(key);
        String v = read(k);
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalStateException("sysctl " + k.dotted() + " is not an integer: \"" + v + "\"", e);
        }
    }

    /** Writes {@code value} to {@code key}. */
    public void set(String key, String value) {
        SysctlKey k = SysctlKey.parse(key);
        write(List.of(Map.entry(k, value)));
    }

    /**
     * Writes several keys in one visit to the namespace, in the map's iteration order; stops at the
     * first failure (the keys before it stay written).
     */
    public void setAll(Map<String, String> values) {
        List<Map.Entry<SysctlKey, String>> parsed = new ArrayList<>(values.size());
        for (Map.Entry<String, String> e : values.entrySet()) {
            parsed.add(Map.entry(SysctlKey.parse(e.getKey()), e.getValue()));
        }
        write(parsed);
    }

    /** The values of several keys, read in one visit to the namespace. */
    public Map<String, String> getAll(List<String> keys) {
        List<SysctlKey> parsed = keys.stream().map(SysctlKey::parse).toList();
        Map<String, String> out = new LinkedHashMap<>();
        visit(() -> {
            for (int i = 0; i < parsed.size(); i++) {
                out.put(keys.get(i), readHere(parsed.get(i)));
            }
        });
        return out;
    }

    /** {@code net.<family>.conf.<ifname>.<name>}; {@code ifname} may be {@code all}, {@code default} or any interface (dots allowed). */
    public String getInterface(IpFamily family, String ifname, String name) {
        return read(SysctlKey.ofInterface(family.directory(), ifname, name));
    }

    /** Sets {@code net.<family>.conf.<ifname>.<name>} to {@code value}. */
    public void setInterface(IpFamily family, String ifname, String name, String value) {
        write(List.of(Map.entry(SysctlKey.ofInterface(family.directory(), ifname, name), value)));
    }

    // ------------------------------------------------------------------ typed

    /** {@code net.ipv4.ip_forward}: route IPv4 between interfaces (sets conf.all.forwarding and every interface's). */
    public void setIpForward(boolean on) {
        set("net.ipv4.ip_forward", bit(on));
    }

    public boolean ipForward() {
        return getInt("net.ipv4.ip_forward") != 0;
    }

    /** {@code net.ipv6.conf.all.forwarding}: route IPv6 (the kernel applies it to every interface). */
    public void setIpv6Forwarding(boolean on) {
        setInterface(IpFamily.IPV6, "all", "forwarding", bit(on));
    }

    public boolean ipv6Forwarding() {
        return Integer.parseInt(getInterface(IpFamily.IPV6, "all", "forwarding").strip()) != 0;
    }

    /** {@code net.<family>.conf.<ifname>.forwarding} of one interface (or {@code all}/{@code default}). */
    public void setForwarding(IpFamily family, String ifname, boolean on) {
        setInterface(family, ifname, "forwarding", bit(on));
    }

    /** {@code net.ipv4.conf.<ifname>.rp_filter}. */
    public void setRpFilter(String ifname, RpFilter mode) {
        setInterface(IpFamily.IPV4, ifname, "rp_filter", Integer.toString(mode.value()));
    }

    public RpFilter rpFilter(String ifname) {
        return RpFilter.values()[Integer.parseInt(getInterface(IpFamily.IPV4, ifname, "rp_filter").strip())];
    }

    /**
     * {@code net.ipv6.conf.<ifname>.accept_dad}: 0 no duplicate address detection (addresses usable at
     * once), 1 DAD, 2 DAD and disable IPv6 on the interface if a link-local duplicate is found.
     */
    public void setAcceptDad(String ifname, int mode) {
        if (mode < 0 || mode > 2) {
            throw new IllegalArgumentException("accept_dad is 0, 1 or 2, not " + mode);
        }
        setInterface(IpFamily.IPV6, ifname, "accept_dad", Integer.toString(mode));
    }

    /** {@code net.ipv4.conf.<ifname>.arp_notify}: send gratuitous ARP when the link comes up or its address changes. */
    public void setArpNotify(String ifname, boolean on) {
        setInterface(IpFamily.IPV4, ifname, "arp_notify", bit(on));
    }

    /** {@code net.ipv4.conf.<ifname>.proxy_arp}: answer ARP for addresses this host routes elsewhere. */
    public void setProxyArp(String ifname, boolean on) {
        setInterface(IpFamily.IPV4, ifname, "proxy_arp", bit(on));
    }

    /** {@code net.ipv4.conf.<ifname>.route_localnet}: allow 127/8 as source or destination when routing (kube-proxy NodePorts on localhost). */
    public void setRouteLocalnet(String ifname, boolean on) {
        setInterface(IpFamily.IPV4, ifname, "route_localnet", bit(on));
    }

    /** {@code net.ipv6.conf.<ifname>.disable_ipv6}: remove (true) or restore IPv6 on the interface. */
    public void setDisableIpv6(String ifname, boolean disabled) {
        setInterface(IpFamily.IPV6, ifname, "disable_ipv6", bit(disabled));
    }

    // ------------------------------------------------------------------ I/O in the namespace

    private String read(SysctlKey k) {
        return ns == null ? readHere(k) : ns.run(() -> readHere(k));
    }

    private void write(List<Map.Entry<SysctlKey, String>> values) {
        visit(() -> {
            for (Map.Entry<SysctlKey, String> e : values) {
                writeHere(e.getKey(), e.getValue());
            }
        });
    }

    private void visit(Runnable io) {
        if (ns == null) {
            io.run();
        } else {
            ns.execute(io::run);
        }
    }

    /** Reads on the calling thread (already inside the namespace). */
    private static String readHere(SysctlKey k) {
        // Files.readString/readAllBytes trust the size a file reports; /proc files report 0 and
        // JDK 25 then returned only the first byte ("3" for "32768\t60999"). A stream reads to EOF.
        try (InputStream in = Files.newInputStream(PROC_SYS.resolve(k.path()))) {
            String v = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return v.endsWith("\n") ? v.substring(0, v.length() - 1) : v;
        } catch (IOException e) {
            throw failure(e, k.dotted());
        }
    }

    /** Writes on the calling thread (already inside the namespace): one write(2), as sysctl handlers expect. */
    private static void writeHere(SysctlKey k, String value) {
        if (value == null || value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("invalid value for sysctl " + k.dotted() + ": " + value);
        }
        String object = k.dotted() + " = \"" + value + "\"";
        try (FileChannel ch = FileChannel.open(PROC_SYS.resolve(k.path()), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw failure(e, object);
        }
    }

    /**
     * The typed error for a failed read or write. The JDK reports a failed open by exception class
     * and a failed read/write only by strerror text, which is matched back to its errno.
     */
    private static RuntimeException failure(IOException e, String object) {
        int errno;
        if (e instanceof NoSuchFileException) {
            errno = Errno.ENOENT;
        } else if (e instanceof AccessDeniedException) {
            errno = Errno.EACCES;
        } else {
            errno = errnoOf(e.getMessage());
        }
        if (errno == 0) {
            return new UncheckedIOException("sysctl(" + object + ") failed: " + e.getMessage(), e);
        }
        String hint = switch (errno) {
            case Errno.ENOENT -> "no such network sysctl in this namespace (or no such interface)";
            case Errno.EACCES -> "the sysctl is read-only";
            default -> null;
        };
        ErrnoException x = ErrnoException.of("sysctl", object, errno, null, hint);
        x.initCause(e);
        return x;
    }

    private static int errnoOf(String message) {
        if (message == null) {
            return 0;
        }
        for (int errno : KNOWN) {
            if (message.equals(Errno.description(errno)) || message.endsWith(": " + Errno.description(errno))) {
                return errno;
            }
        }
        return 0;
    }

    private static String bit(boolean on) {
        return on ? "1" : "0";
    }

    @Override
    public String toString() {
        return "Sysctls[" + ns + "]";
    }
}
