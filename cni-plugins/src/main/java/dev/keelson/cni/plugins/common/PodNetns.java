package dev.keelson.cni.plugins.common;

import dev.keelson.cni.spec.CniException;
import dev.keelson.linux.ErrnoException;
import dev.keelson.linux.NotFoundException;
import dev.keelson.netns.NetNamespace;
import java.nio.file.Path;
import java.util.Optional;

/** Opening CNI_NETNS, with the reference's wording when it cannot be opened. */
public final class PodNetns {
    private PodNetns() {
    }

    /** The namespace at {@code netns}; code 999 {@code failed to open netns "…": …} otherwise. */
    public static NetNamespace open(String netns) {
        return openIfPresent(Path.of(netns)).orElseThrow(() -> new CniException(CniException.INTERNAL,
                "failed to open netns \"" + netns + "\": no such file or directory"));
    }

    /** The namespace, or empty when the runtime already removed it (SPEC.md: DEL must still succeed). */
    public static Optional<NetNamespace> openIfPresent(Path netns) {
        try {
            return Optional.of(NetNamespace.open(netns));
        } catch (NotFoundException e) {
            return Optional.empty();
        } catch (IllegalArgumentException | ErrnoException e) {
            throw new CniException(CniException.INTERNAL, "failed to open netns \"" + netns + "\": " + e.getMessage(), "", e);
        }
    }
}
