package dev.keelson.cni.nft;

import dev.keelson.linux.nft.KeptContexts;
import dev.keelson.linux.nft.Nftables;
import dev.keelson.linux.nft.NftablesException;
import dev.keelson.linux.nft.NftablesUnavailableException;

/**
 * Whether the nftables backend can be used: libnftables loads and the kernel answers an
 * nf_tables request. Decided once per JVM (a kernel does not gain or lose nf_tables while we run).
 * The system property {@code keelson.cni.firewall=iptables} forces the iptables fallback.
 */
final class NftSupport {
    private static volatile Boolean usable;

    private NftSupport() {
    }

    static boolean usable() {
        Boolean u = usable;
        if (u == null) {
            u = probe();
            usable = u;
        }
        return u;
    }

    private static boolean probe() {
        if ("iptables".equals(System.getProperty("keelson.cni.firewall"))) {
            return false;
        }
        if (!Nftables.libraryPresent()) {
            return false;
        }
        try {
            KeptContexts.inCurrentNetns(nft -> nft.run("list tables"));
            return true;
        } catch (NftablesUnavailableException | NftablesException e) {
            return false;
        }
    }
}
