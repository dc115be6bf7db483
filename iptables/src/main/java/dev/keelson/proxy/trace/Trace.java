package dev.keelson.proxy.trace;

import dev.keelson.proxy.model.Backend;
import java.util.List;

/**
 * Where a packet goes and what happens to it.
 *
 * @param path       the chains and map lookups it passes, in order
 * @param verdict    DNAT (to one of {@link #endpoints}), REJECT, DROP or ACCEPT (not a service: untouched)
 * @param endpoints  the endpoints it may be sent to (empty unless DNAT)
 * @param masquerade whether its source is rewritten (off-cluster or external traffic)
 * @param hairpin    whether it is masqueraded because the client may reach itself
 */
public record Trace(List<String> path, Verdict verdict, List<Backend> endpoints, boolean masquerade, boolean hairpin) {

    /** The fate of the packet. */
    public enum Verdict {
        DNAT, REJECT, DROP, ACCEPT
    }
}
