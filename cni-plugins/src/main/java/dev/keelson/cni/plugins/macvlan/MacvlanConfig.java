package dev.keelson.cni.plugins.macvlan;

import static dev.keelson.cni.plugins.common.NetConfFields.bool;
import static dev.keelson.cni.plugins.common.NetConfFields.integer;
import static dev.keelson.cni.plugins.common.NetConfFields.string;

import dev.keelson.cni.skel.Request;
import dev.keelson.cni.spec.CniException;
import dev.keelson.cni.spec.NetworkConfig;
import dev.keelson.netns.link.MacAddress;
import dev.keelson.netns.link.MacvlanMode;
import java.util.HexFormat;

/**
 * The macvlan plugin's own fields of a network config, as written (nothing looked up yet).
 *
 * @param master the lower device's name, or empty: the interface of the default route
 * @param mode the macvlan mode text ({@code bridge} when empty); checked by {@link #macvlanMode()}
 * @param mtu the MTU, 0 for the master's
 * @param mac the requested MAC text, or empty: from {@code runtimeConfig.mac}, else {@code CNI_ARGS}
 *            {@code MAC}, else the config's {@code mac} (the reference's precedence)
 * @param linkInContainer look the master (and the default route) up in the container's
 *                        namespace; a field of later reference releases, not of v1.1.1
 */
public record MacvlanConfig(String master, String mode, int mtu, String mac, boolean linkInContainer) {

    /** Reads the fields of {@code req}'s config and the MAC overrides of its args and runtimeConfig. */
    public static MacvlanConfig of(Request req) {
        NetworkConfig c = req.config();
        String mac = string(c, "mac");
        if (req.rawArgs() != null && !req.rawArgs().isEmpty()) {
            String fromArgs = req.args().requireKnown("MAC").mac().orElse("");
            if (!fromArgs.isEmpty()) {
                mac = fromArgs;
            }
        }
        String fromRuntime = c.runtimeConfig() == null ? "" : c.runtimeConfig().mac().orElse("");
        if (!fromRuntime.isEmpty()) {
            mac = fromRuntime;
        }
        return new MacvlanConfig(string(c, "master"), string(c, "mode"), integer(c, "mtu"), mac,
                bool(c, "linkInContainer"));
    }

    /** Only the config's own fields, for DEL (which needs neither the MAC nor the args). */
    public static MacvlanConfig fieldsOnly(NetworkConfig c) {
        return new MacvlanConfig(string(c, "master"), string(c, "mode"), integer(c, "mtu"), string(c, "mac"),
                bool(c, "linkInContainer"));
    }

    /** The mode; {@code unknown macvlan mode: "x"} as the reference says. */
    public MacvlanMode macvlanMode() {
        return switch (mode) {
            case "", "bridge" -> MacvlanMode.BRIDGE;
            case "private" -> MacvlanMode.PRIVATE;
            case "vepa" -> MacvlanMode.VEPA;
            case "passthru" -> MacvlanMode.PASSTHRU;
            default -> throw new CniException(CniException.INTERNAL, "unknown macvlan mode: \"" + mode + "\"");
        };
    }

    /**
     * The requested MAC, or null. Accepts what Go's {@code net.ParseMAC} accepts for 6-byte
     * addresses ({@code aa:bb:cc:dd:ee:ff}, {@code aa-bb-...}, {@code aabb.ccdd.eeff}).
     */
    public MacAddress macAddress() {
        if (mac.isEmpty()) {
            return null;
        }
        String hex = null;
        if (mac.length() == 17 && (mac.charAt(2) == ':' || mac.charAt(2) == '-')) {
            char sep = mac.charAt(2);
            StringBuilder b = new StringBuilder();
            boolean ok = true;
            for (int i = 0; i < 17; i++) {
                if (i % 3 == 2) {
                    ok &= mac.charAt(i) == sep;
                } else {
                    b.append(mac.charAt(i));
                }
            }
            hex = ok ? b.toString() : null;
        } else if (mac.length() == 14 && mac.charAt(4) == '.' && mac.charAt(9) == '.') {
            hex = mac.replace(".", "");
        }
        if (hex != null && hex.length() == 12 && hex.chars().allMatch(ch -> Character.digit(ch, 16) >= 0)) {
            return MacAddress.of(HexFormat.of().parseHex(hex));
        }
        throw new CniException(CniException.INTERNAL, "invalid args " + mac + " for MAC addr: address " + mac
                + ": invalid MAC address");
    }
}
