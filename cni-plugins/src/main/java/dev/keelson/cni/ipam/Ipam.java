package dev.keelson.cni.ipam;

import dev.keelson.cni.plugins.hostlocal.HostLocalPlugin;
import dev.keelson.cni.skel.Request;
import dev.keelson.cni.spec.Result;

/**
 * The IPAM step of a main plugin: Keelson's own {@code host-local} runs in-process (same on-disk
 * state, same results as the exec'd binary, without a process per call); any other IPAM type is
 * exec'd from CNI_PATH as the spec describes ({@link IpamExec}).
 */
public final class Ipam {
    /** The IPAM type served in-process. */
    public static final String HOST_LOCAL = "host-local";

    private Ipam() {
    }

    /** IPAM ADD for {@code type}. */
    public static Result add(Request request, String type) {
        return HOST_LOCAL.equals(type) ? HostLocalPlugin.allocate(request) : IpamExec.add(request, type);
    }

    /** IPAM DEL for {@code type} (idempotent). */
    public static void del(Request request, String type) {
        if (HOST_LOCAL.equals(type)) {
            HostLocalPlugin.release(request);
        } else {
            IpamExec.del(request, type);
        }
    }

    /** IPAM CHECK for {@code type}. */
    public static void check(Request request, String type) {
        if (HOST_LOCAL.equals(type)) {
            HostLocalPlugin.verify(request);
        } else {
            IpamExec.check(request, type);
        }
    }

    /** IPAM GC (spec 1.1): releases what {@code cni.dev/valid-attachments} does not name. */
    public static void gc(Request request, String type) {
        if (HOST_LOCAL.equals(type)) {
            new HostLocalPlugin().gc(request);
        } else {
            IpamExec.networkVerb(request, type, "GC");
        }
    }

    /** IPAM STATUS (spec 1.1): code 50 when it cannot serve ADDs. */
    public static void status(Request request, String type) {
        if (HOST_LOCAL.equals(type)) {
            new HostLocalPlugin().status(request);
        } else {
            IpamExec.networkVerb(request, type, "STATUS");
        }
    }
}
