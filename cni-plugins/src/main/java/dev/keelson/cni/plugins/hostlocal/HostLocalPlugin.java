package dev.keelson.cni.plugins.hostlocal;

import dev.keelson.cni.ipam.hostlocal.Attachment;
import dev.keelson.cni.ipam.hostlocal.HostLocal;
import dev.keelson.cni.ipam.hostlocal.HostLocalConfig;
import dev.keelson.cni.ipam.hostlocal.IpamException;
import dev.keelson.cni.skel.About;
import dev.keelson.cni.skel.Plugin;
import dev.keelson.cni.skel.Request;
import dev.keelson.cni.spec.CniException;
import dev.keelson.cni.spec.NetworkConfig;
import dev.keelson.cni.spec.Result;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code host-local} IPAM plugin: addresses from configured ranges, recorded as files under
 * {@code <dataDir>/<network>/} in the reference's layout, so this plugin and
 * {@code /usr/lib/cni/host-local} can share a data directory.
 *
 * <pre>
 * ADD    one address per range set (CNI_ARGS IP=, args.cni.ips, runtimeConfig ips honoured);
 *        result: ips (address, gateway; no interface index), routes, dns from resolvConf
 * DEL    releases the attachment's addresses; succeeds when it holds none
 * CHECK  fails unless the attachment holds an address (the reference's test)
 * GC     releases every address whose owner is not in cni.dev/valid-attachments (1.1.0)
 * STATUS code 50 when the data directory cannot be created or written (1.1.0)
 * </pre>
 *
 * Plugins that delegate IPAM call {@link #allocate}, {@link #release} and {@link #verify}
 * in-process with their own {@link Request} instead of exec'ing a binary.
 *
 * <p>Deliberate differences from reference v1.1.1, whose errors are all code 999: configuration
 * errors keep the allocator's spec codes (6 undecodable, 7 invalid, 5 I/O) with the reference's
 * messages, and CNI_ARGS errors are code 4 with libcni's messages; CNI_ARGS {@code K8S_POD_*}
 * keys are accepted without {@code IgnoreUnknown}, and {@code IP=} takes a comma-separated list
 * (as later reference releases do). GC and STATUS are new in spec 1.1.0.
 */
public final class HostLocalPlugin implements Plugin {
    /** The name the banner and VERSION use. */
    public static final About ABOUT = About.of("host-local");

    @Override
    public Result add(Request request) {
        return allocate(request);
    }

    @Override
    public void del(Request request) {
        release(request);
    }

    @Override
    public void check(Request request) {
        verify(request);
    }

    @Override
    public void gc(Request request) {
        HostLocalConfig config = config(request);
        List<Attachment> valid = request.config().validAttachments().stream()
                .map(HostLocalPlugin::attachment).toList();
        try {
            HostLocal.gc(config, valid);
        } catch (IpamException e) {
            throw Translate.error(e);
        }
    }

    @Override
    public void status(Request request) {
        HostLocalConfig config = config(request);
        String problem = unusable(config.dataDir());
        if (problem != null) {
            throw new CniException(CniException.NOT_AVAILABLE,
                    "host-local data directory " + config.dataDir() + " is not usable: " + problem);
        }
    }

    /**
     * ADD in-process: allocates for {@code request}'s container and interface from the
     * {@code ipam} section of its config.
     *
     * @return the addresses, routes and DNS, without interfaces and without a version (the
     *     caller's result, or the skeleton, labels it)
     * @throws CniException with the allocator's code and the reference's message
     */
    public static Result allocate(Request request) {
        HostLocalConfig config = config(request);
        List<InetAddress> fromArgs = Translate.requestedIps(request.args());
        try {
            return Translate.result(HostLocal.add(config, attachment(request), fromArgs));
        } catch (IpamException e) {
            throw Translate.error(e);
        }
    }

    /** DEL in-process: releases every address the container's interface holds; idempotent. */
    public static void release(Request request) {
        HostLocalConfig config = config(request);
        Translate.requestedIps(request.args()); // the reference rejects bad CNI_ARGS on DEL too
        try {
            HostLocal.del(config, attachment(request));
        } catch (IpamException e) {
            throw Translate.error(e);
        }
    }

    /** CHECK in-process: code 999 unless the container's interface holds an address. */
    public static void verify(Request request) {
        HostLocalConfig config = config(request);
        Translate.requestedIps(request.args());
        try {
            HostLocal.check(config, attachment(request));
        } catch (IpamException e) {
            throw Translate.error(e);
        }
    }

    private static HostLocalConfig config(Request request) {
        try {
            // The skeleton parsed stdin already; that tree is the config (not parsed twice).
            return HostLocalConfig.parse(request.config().raw());
        } catch (IpamException e) {
            throw Translate.error(e);
        }
    }

    private static Attachment attachment(Request request) {
        return new Attachment(request.containerId(), request.ifName());
    }

    private static Attachment attachment(NetworkConfig.Attachment a) {
        return new Attachment(a.containerID() == null ? "" : a.containerID(), a.ifname() == null ? "" : a.ifname());
    }

    /**
     * Why the allocator could not write under {@code dataDir}, or null when it can: the
     * directory, or the nearest ancestor it would be created in, must be a writable directory.
     * access(2) reports a read-only mount as EROFS even to root, so Files.isWritable sees it.
     */
    private static String unusable(Path dataDir) {
        Path p = dataDir.toAbsolutePath();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        if (p == null) {
            return "no existing ancestor";
        }
        if (!Files.isDirectory(p)) {
            return p + " is not a directory";
        }
        if (!Files.isWritable(p)) {
            return p + " is not writable";
        }
        try {
            if (Files.getFileStore(p).isReadOnly()) {
                return p + " is on a read-only file system";
            }
        } catch (IOException e) {
            return "cannot inspect " + p + ": " + e.getMessage();
        }
        return null;
    }
}
