package dev.keelson.cni.nft;

import dev.keelson.linux.nft.KeptContexts;
import dev.keelson.linux.nft.Nftables;
import dev.keelson.linux.nft.NftablesException;
import dev.keelson.linux.nft.NftablesUnavailableException;
import java.util.Optional;

/**
 * Whether the nftables backend can be used: libnftables loads and the kernel answers an
 * nf_tables request. Decided once per JVM (a kernel does not gain or lose nf_tables while we run).
 * The system property {@code keelson.cni.firewall=iptables} forces the iptables fallback.
 */
public final class NftSupport {
    /** The reason nftables is unusable, "" when it is usable, null before the first probe. */
    private static volatile String problem;

    private NftSupport() {
    }

    static boolean usable() {
        return problem().isEmpty();
    }

    /**
     * Why nftables cannot be used by the CNI plugins here (for STATUS, code 50), or empty when
     * it can.
     */
    public static Optional<String> unusableReason() {
        String p = problem();
        return p.isEmpty() ? Optional.empty() : Optional.of(p);
    }

    private static String problem() {
        String p = problem;
        if (p == null) {
            p = probe();
            problem = p;
        }
        return p;
    }

    private static String probe() {
        if ("iptables".equals(System.getProperty("keelson.cni.firewall"))) {
            return "nftables is turned off (system property keelson.cni.firewall=iptables)";
        }
        if (!Nftables.libraryPresent()) {
            return "libnftables (libnftables.so.1) cannot be loaded";
        }
        try {
            KeptContexts.inCurrentNetns(nft -> nft.run("list tables"));
            return "";
        } catch (NftablesUnavailableException | NftablesException e) {
            return "the kernel refused an nf_tables request: " + e.getMessage();
        }
    }
}
