package dev.keelson.cni.plugins.portmap;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.cni.plugins.common.NetConfFields;
import dev.keelson.cni.spec.CniException;
import dev.keelson.cni.spec.NetworkConfig;
import dev.keelson.cni.spec.RuntimeConfig.PortMapping;
import java.util.List;
import java.util.Locale;

/**
 * The portmap fields of the reference v1.1.1 and what becomes of them on nftables:
 * <ul>
 * <li>{@code snat} (default true): hairpin and localhost connections to a host port are
 *     masqueraded, so the reply comes back through the node;</li>
 * <li>{@code markMasqBit} (default 13, 0–31): the packet-mark bit that asks for that masquerade;</li>
 * <li>{@code externalSetMarkChain}: an iptables chain that sets the mark. nftables rules cannot
 *     jump to an iptables chain, so it is accepted and ignored: we always set the bit ourselves;</li>
 * <li>{@code conditionsV4}/{@code conditionsV6}: iptables match arguments. They cannot be
 *     translated faithfully, and ignoring them would expose ports more widely than configured, so a
 *     non-empty list is refused (code 7) naming the field.</li>
 * </ul>
 */
record PortmapConfig(boolean snat, int markMasqBit, List<PortMapping> mappings) {

    static PortmapConfig of(NetworkConfig c) {
        JsonNode snatNode = c.field("snat");
        boolean snat = snatNode == null || snatNode.isNull() || NetConfFields.bool(c, "snat");
        JsonNode bitNode = c.field("markMasqBit");
        int bit = bitNode == null || bitNode.isNull() ? 13 : NetConfFields.integer(c, "markMasqBit");
        if (bit < 0 || bit > 31) {
            throw new CniException(CniException.INVALID_NETWORK_CONFIG,
                    "MasqMarkBit must be between 0 and 31");
        }
        NetConfFields.string(c, "externalSetMarkChain");
        for (String key : List.of("conditionsV4", "conditionsV6")) {
            JsonNode v = c.field(key);
            if (v != null && !v.isNull() && (!v.isArray() || !v.isEmpty())) {
                throw new CniException(CniException.INVALID_NETWORK_CONFIG, key
                        + " holds iptables match arguments, which the nftables backend of portmap does not translate");
            }
        }
        List<PortMapping> mappings = c.runtimeConfig().portMappings().stream().map(PortmapConfig::checked).toList();
        return new PortmapConfig(snat, bit, mappings);
    }

    private static PortMapping checked(PortMapping m) {
        if (m.hostPort() < 1 || m.hostPort() > 65535 || m.containerPort() < 1 || m.containerPort() > 65535) {
            throw new CniException(CniException.INVALID_NETWORK_CONFIG, "Invalid port mapping: hostPort "
                    + m.hostPort() + ", containerPort " + m.containerPort() + " (ports are 1-65535)");
        }
        String proto = m.protocol() == null || m.protocol().isEmpty() ? "tcp" : m.protocol().toLowerCase(Locale.ROOT);
        if (!List.of("tcp", "udp", "sctp").contains(proto)) {
            throw new CniException(CniException.INVALID_NETWORK_CONFIG, "Invalid port mapping: unknown protocol \""
                    + m.protocol() + "\" (tcp, udp or sctp)");
        }
        String hostIp = m.hostIP() == null ? "" : m.hostIP();
        if (!hostIp.isEmpty()) {
            try {
                java.net.InetAddress.ofLiteral(hostIp);
            } catch (IllegalArgumentException e) {
                throw new CniException(CniException.INVALID_NETWORK_CONFIG, "Invalid port mapping: invalid hostIP \"" + hostIp + "\"");
            }
        }
        return new PortMapping(m.hostPort(), m.containerPort(), proto, hostIp);
    }
}
