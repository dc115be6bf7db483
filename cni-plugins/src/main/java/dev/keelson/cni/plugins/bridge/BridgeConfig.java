package dev.keelson.cni.plugins.bridge;

import static dev.keelson.cni.plugins.common.NetConfFields.bool;
import static dev.keelson.cni.plugins.common.NetConfFields.integer;
import static dev.keelson.cni.plugins.common.NetConfFields.string;
import static dev.keelson.cni.plugins.common.NetConfFields.typeError;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.cni.spec.CniException;
import dev.keelson.cni.spec.NetworkConfig;

/**
 * The bridge plugin's own fields of a network config, with the reference's defaults.
 * {@code isDefaultGateway} implies {@code isGateway}, as in the reference.
 *
 * <p>Fields the reference also reads ({@code ipMasq}, {@code vlan}, {@code macspoofchk},
 * {@code enabledad}, the {@code mac} arguments) are not handled in this pass; they are neither
 * rejected nor applied, except that {@code vlan} is range-checked like the reference does.
 *
 * @param bridge the bridge's name ({@code "bridge"}, default {@code cni0})
 * @param isGateway give the bridge the gateway address and enable forwarding
 * @param isDefaultGateway also add a default route via the gateway in the container
 * @param forceAddress replace a different address on the bridge instead of failing
 * @param mtu MTU of the bridge and the veth pair; 0 for the kernel's default
 * @param hairpinMode let frames go back out of the port they came in on
 * @param promiscMode put the bridge in promiscuous mode
 */
public record BridgeConfig(String bridge, boolean isGateway, boolean isDefaultGateway, boolean forceAddress, int mtu,
                           boolean hairpinMode, boolean promiscMode) {
    /** The bridge used when the config names none. */
    public static final String DEFAULT_BRIDGE = "cni0";

    /** Reads and checks the fields; wrongly typed ones are code 999 "failed to load netconf", as in the reference. */
    public static BridgeConfig of(NetworkConfig c) {
        String bridge = DEFAULT_BRIDGE;
        JsonNode b = c.field("bridge");
        if (b != null && !b.isNull()) {
            if (!b.isTextual()) {
                throw typeError("bridge", "string", b);
            }
            bridge = b.textValue();
        }
        int vlan = integer(c, "vlan");
        if (vlan < 0 || vlan > 4094) {
            throw new CniException(CniException.INTERNAL, "invalid VLAN ID " + vlan + " (must be between 0 and 4094)");
        }
        boolean defaultGw = bool(c, "isDefaultGateway");
        return new BridgeConfig(bridge, bool(c, "isGateway") || defaultGw, defaultGw, bool(c, "forceAddress"),
                integer(c, "mtu"), bool(c, "hairpinMode"), bool(c, "promiscMode"));
    }
}
