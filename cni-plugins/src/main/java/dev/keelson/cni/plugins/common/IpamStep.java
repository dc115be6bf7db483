package dev.keelson.cni.plugins.common;

import dev.keelson.cni.ipam.Ipam;
import dev.keelson.cni.skel.Request;
import dev.keelson.cni.spec.CniException;
import dev.keelson.cni.spec.Result;

/** A main plugin's IPAM ADD as one undoable step: the allocation, its DEL registered, and the result checked. */
public final class IpamStep {
    private IpamStep() {
    }

    /**
     * IPAM ADD of {@code type} for {@code req}; registers IPAM DEL with {@code undo} and fails, as
     * the reference does, when the IPAM result has no address.
     */
    public static Result add(Request req, String type, Cleanup undo) {
        Result ipam = Ipam.add(req, type);
        undo.onFailure("IPAM DEL " + type, () -> Ipam.del(req, type));
        if (ipam.ips().isEmpty()) {
            throw new CniException(CniException.INTERNAL, "IPAM plugin returned missing IP config");
        }
        return ipam;
    }
}
