package dev.keelson.netns.neigh;

import dev.keelson.linux.rtnetlink.RouteAttrs;
import dev.keelson.netns.link.MacAddress;
import java.net.InetAddress;
import java.util.Objects;

/**
 * A bridge forwarding-database entry (family AF_BRIDGE), as {@code bridge fdb} shows it: frames for
 * {@code mac} go out of bridge port {@code ifindex}.
 *
 * @param mac     the Ethernet address (NDA_LLADDR)
 * @param ifindex the bridge port (or, with {@code NTF_SELF}, the device whose own table holds it)
 * @param master  the bridge (NDA_MASTER) as the kernel reports it; 0 when adding (the port's bridge is used)
 * @param vlan    the VLAN id (NDA_VLAN), 0 for none
 * @param state   NUD_NOARP for a static entry, NUD_PERMANENT for a local one, NUD_REACHABLE/STALE for learned ones
 * @param flags   NTF_MASTER to put the entry in the bridge's table, NTF_SELF for the device's own
 * @param dst     the remote tunnel endpoint (NDA_DST) of an entry in a VXLAN device's own table, or null
 */
public record FdbEntry(MacAddress mac, int ifindex, int master, int vlan, int state, int flags, InetAddress dst) {

    public FdbEntry {
        Objects.requireNonNull(mac, "mac");
        if (vlan < 0 || vlan > 4094) {
            throw new IllegalArgumentException("VLAN id " + vlan + " is out of range 0-4094");
        }
    }

    /** An entry without a tunnel endpoint. */
    public FdbEntry(MacAddress mac, int ifindex, int master, int vlan, int state, int flags) {
        this(mac, ifindex, master, vlan, state, flags, null);
    }

    /**
     * A permanent entry in VXLAN device {@code vxlan}'s own table: frames for {@code mac} are sent in
     * UDP to {@code remote} ({@code bridge fdb append MAC dev VXLAN dst REMOTE self permanent}).
     */
    public static FdbEntry tunnel(MacAddress mac, int vxlan, InetAddress remote) {
        return new FdbEntry(mac, vxlan, 0, 0, RouteAttrs.NUD_PERMANENT, RouteAttrs.NTF_SELF, Objects.requireNonNull(remote, "remote"));
    }

    /** A static entry in the bridge's table: {@code bridge fdb add MAC dev PORT master static}. */
    public static FdbEntry of(MacAddress mac, int port) {
        return new FdbEntry(mac, port, 0, 0, RouteAttrs.NUD_NOARP, RouteAttrs.NTF_MASTER);
    }

    public static FdbEntry of(String mac, int port) {
        return of(MacAddress.parse(mac), port);
    }

    public boolean isStatic() {
        return (state & RouteAttrs.NUD_NOARP) != 0;
    }

    /** A local entry: the bridge delivers frames for it to itself (NUD_PERMANENT). */
    public boolean isLocal() {
        return (state & RouteAttrs.NUD_PERMANENT) != 0;
    }

    public FdbEntry withVlan(int v) {
        return new FdbEntry(mac, ifindex, master, v, state, flags, dst);
    }

    public FdbEntry withState(int s) {
        return new FdbEntry(mac, ifindex, master, vlan, s, flags, dst);
    }

    public FdbEntry withFlags(int f) {
        return new FdbEntry(mac, ifindex, master, vlan, state, f, dst);
    }

    /** {@code 02:00:00:00:00:0a on ifindex 4 vlan 10}, the way errors name an entry. */
    public String describe() {
        return mac + " on ifindex " + ifindex + (vlan != 0 ? " vlan " + vlan : "") + (dst != null ? " dst " + dst.getHostAddress() : "");
    }
}
