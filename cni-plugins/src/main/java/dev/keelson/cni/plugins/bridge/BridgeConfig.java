package dev.keelson.cni.plugins.bridge;

import static dev.keelson.cni.plugins.common.NetConfFields.bool;
import static dev.keelson.cni.plugins.common.NetConfFields.integer;
import static dev.keelson.cni.plugins.common.NetConfFields.typeError;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.cni.plugins.common.Macs;
import dev.keelson.cni.skel.Request;
import dev.keelson.cni.spec.CniException;
import dev.keelson.cni.spec.NetworkConfig;
import dev.keelson.netns.link.MacAddress;

/**
 * The bridge plugin's own fields of a network config, with the reference's defaults.
 * {@code isDefaultGateway} implies {@code isGateway}, as in the reference. Wrongly typed fields
 * are code 999 {@code failed to load netconf: json: cannot unmarshal …} with Go's wording, as the
 * reference answers; an out-of-range {@code vlan} is its {@code invalid VLAN ID …}.
 *
 * <p>{@code vlanTrunk}
 * (later reference releases) is refused by ADD with code 2, unsupported field.
 *
 * @param bridge the bridge's name ({@code "bridge"}, default {@code cni0})
 * @param isGateway give the bridge the gateway address and enable forwarding
 * @param isDefaultGateway also add a default route via the gateway in the container
 * @param forceAddress replace a different address on the bridge instead of failing
 * @param mtu MTU of the bridge and the veth pair; 0 for the kernel's default
 * @param hairpinMode let frames go back out of the port they came in on
 * @param promiscMode put the bridge in promiscuous mode
 * @param vlan the port's access VLAN (untagged, PVID), 1–4094, with VLAN filtering on the bridge
 *             and the gateway on a {@code BRIDGE.VLAN} interface; 0 for none
 * @param enableDad do duplicate address detection for the container's IPv6 addresses
 *                  ({@code enabledad}; by default {@code accept_dad=0})
 * @param portIsolation mark the host veth as an isolated bridge port ({@code portIsolation},
 *                      later releases): isolated ports cannot reach each other, only others
 * @param disableContainerInterface leave the container interface down ({@code
 *                                  disableContainerInterface}, later releases; no IPAM allowed)
 * @param preserveDefaultVlan accepted for later releases' configs; the port always keeps the
 *                            bridge's default VLAN, as in v1.1.1
 * @param mac the container interface's requested MAC, or null: {@code runtimeConfig.mac} over
 *            {@code args.cni.mac} over {@code CNI_ARGS} {@code MAC} (the reference's precedence);
 *            only read for ADD
 * @param ipMasq masquerade the container's addresses to destinations outside the network
 *               ({@code ipMasq}, on nftables)
 * @param macSpoofCheck let only the container's MAC in from its host veth ({@code macspoofchk},
 *                      on nftables)
 */
public record BridgeConfig(String bridge, boolean isGateway, boolean isDefaultGateway, boolean forceAddress, int mtu,
                           boolean hairpinMode, boolean promiscMode, int vlan, boolean enableDad, boolean portIsolation,
                           boolean disableContainerInterface, boolean preserveDefaultVlan, MacAddress mac,
                           boolean ipMasq, boolean macSpoofCheck) {
    /** The bridge used when the config names none. */
    public static final String DEFAULT_BRIDGE = "cni0";

    /** Reads and checks the config's fields, without the MAC (DEL and CHECK need none). */
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
        configMac(c);
        runtimeMac(c);
        boolean defaultGw = bool(c, "isDefaultGateway");
        return new BridgeConfig(bridge, bool(c, "isGateway") || defaultGw, defaultGw, bool(c, "forceAddress"),
                integer(c, "mtu"), bool(c, "hairpinMode"), bool(c, "promiscMode"), vlan, bool(c, "enabledad"),
                bool(c, "portIsolation"), bool(c, "disableContainerInterface"), bool(c, "preserveDefaultVlan"), null,
                bool(c, "ipMasq"), bool(c, "macspoofchk"));
    }

    /**
     * The fields and the requested MAC, for ADD. A malformed, multicast or all-zero MAC is code 7
     * (invalid network config) from the config, code 4 (invalid environment) from {@code CNI_ARGS},
     * refused before anything is created; the reference reports it later, as code 999
     * {@code failed to make veth pair: …}.
     */
    public static BridgeConfig forAdd(Request req) {
        NetworkConfig c = req.config();
        BridgeConfig f = of(c);
        // Refused by ADD only: DEL and CHECK of such a config must not fail on it.
        JsonNode trunk = c.field("vlanTrunk");
        if (trunk != null && !trunk.isNull()) {
            throw new CniException(CniException.UNSUPPORTED_FIELD, "vlanTrunk is not supported: this bridge plugin"
                    + " gives a port one access VLAN (\"vlan\"), as containernetworking/plugins v1.1.1 does");
        }
        MacAddress mac = null;
        String text = runtimeMac(c);
        if (!text.isEmpty()) {
            mac = Macs.parseUnicast(text, "runtimeConfig.mac", CniException.INVALID_NETWORK_CONFIG);
        } else if (!(text = configMac(c)).isEmpty()) {
            mac = Macs.parseUnicast(text, "args.cni.mac", CniException.INVALID_NETWORK_CONFIG);
        } else if (req.rawArgs() != null && !req.rawArgs().isEmpty()) {
            String fromArgs = req.args().requireKnown("MAC").mac().orElse("");
            if (!fromArgs.isEmpty()) {
                mac = Macs.parseUnicast(fromArgs, "CNI_ARGS MAC", CniException.INVALID_ENVIRONMENT);
            }
        }
        return new BridgeConfig(f.bridge, f.isGateway, f.isDefaultGateway, f.forceAddress, f.mtu, f.hairpinMode,
                f.promiscMode, f.vlan, f.enableDad, f.portIsolation, f.disableContainerInterface,
                f.preserveDefaultVlan, mac, f.ipMasq, f.macSpoofCheck);
    }

    /** {@code args.cni.mac} (CONVENTIONS.md "args in network config"), "" when absent. */
    private static String configMac(NetworkConfig c) {
        JsonNode args = c.field("args");
        if (args == null || args.isNull()) {
            return "";
        }
        if (!args.isObject()) {
            throw typeError("NetConf", "args", "struct { Cni main.BridgeArgs \"json:\\\"cni,omitempty\\\"\" }", args);
        }
        JsonNode cni = args.get("cni");
        if (cni == null || cni.isNull()) {
            return "";
        }
        if (!cni.isObject()) {
            throw typeError("", "args.cni", "main.BridgeArgs", cni);
        }
        JsonNode mac = cni.get("mac");
        if (mac == null || mac.isNull()) {
            return "";
        }
        if (!mac.isTextual()) {
            throw typeError("BridgeArgs", "args.cni.mac", "string", mac);
        }
        return mac.textValue();
    }

    /** {@code runtimeConfig.mac} (the {@code mac} capability), "" when absent. */
    private static String runtimeMac(NetworkConfig c) {
        JsonNode mac = c.runtimeConfig() == null ? null : c.runtimeConfig().get("mac");
        if (mac == null || mac.isNull()) {
            return "";
        }
        if (!mac.isTextual()) {
            throw typeError("", "runtimeConfig.mac", "string", mac);
        }
        return mac.textValue();
    }
}
