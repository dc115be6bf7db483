package dev.keelson.netns.link;

import dev.keelson.linux.netlink.MessageWriter;
import dev.keelson.linux.rtnetlink.LinkAttrs;

/**
 * Options of a link's bridge port, set with {@link Links#setBridgePort}. Null leaves an option as it
 * is. Sent as IFLA_LINKINFO { IFLA_INFO_SLAVE_KIND "bridge", IFLA_INFO_SLAVE_DATA { IFLA_BRPORT_* } }
 * (linux/if_link.h), as {@code ip link set DEV type bridge_slave ...} does.
 *
 * <pre>{@code
 * links.setBridgePort("veth1a2b", BridgePortOptions.NONE.hairpin(true));   // CNI hairpinMode
 * }</pre>
 *
 * @param hairpin  IFLA_BRPORT_MODE
 * @param isolated IFLA_BRPORT_ISOLATED
 * @param learning IFLA_BRPORT_LEARNING
 * @param flood    IFLA_BRPORT_UNICAST_FLOOD
 */
public record BridgePortOptions(Boolean hairpin, Boolean isolated, Boolean learning, Boolean flood) {
    /** Changes nothing; start here and use the withers. */
    public static final BridgePortOptions NONE = new BridgePortOptions(null, null, null, null);

    /** Hairpin mode (CNI {@code hairpinMode}). */
    public BridgePortOptions hairpin(boolean on) {
        return new BridgePortOptions(on, isolated, learning, flood);
    }

    /** Isolation from other isolated ports. */
    public BridgePortOptions isolated(boolean on) {
        return new BridgePortOptions(hairpin, on, learning, flood);
    }

    /** MAC learning on this port. */
    public BridgePortOptions learning(boolean on) {
        return new BridgePortOptions(hairpin, isolated, on, flood);
    }

    /** Flooding of unknown unicast to this port. */
    public BridgePortOptions flood(boolean on) {
        return new BridgePortOptions(hairpin, isolated, learning, on);
    }

    void write(MessageWriter w) {
        put(w, LinkAttrs.IFLA_BRPORT_MODE, hairpin);
        put(w, LinkAttrs.IFLA_BRPORT_ISOLATED, isolated);
        put(w, LinkAttrs.IFLA_BRPORT_LEARNING, learning);
        put(w, LinkAttrs.IFLA_BRPORT_UNICAST_FLOOD, flood);
    }

    private static void put(MessageWriter w, int type, Boolean v) {
        if (v != null) {
            w.putU8(type, v ? 1 : 0);
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        if (hairpin != null) {
            sb.append(" hairpin ").append(hairpin ? "on" : "off");
        }
        if (isolated != null) {
            sb.append(" isolated ").append(isolated ? "on" : "off");
        }
        if (learning != null) {
            sb.append(" learning ").append(learning ? "on" : "off");
        }
        if (flood != null) {
            sb.append(" flood ").append(flood ? "on" : "off");
        }
        return sb.length() == 0 ? "(no change)" : sb.substring(1);
    }
}
