package dev.keelson.proxy.backend;

import dev.keelson.proxy.compile.Family;

/**
 * Which iptables a host uses: the nf_tables-based one ({@code iptables-nft}, Debian's default) or
 * the legacy x_tables one. Rules written by one are invisible to the other, so a proxy must use
 * the variant the rest of the host uses.
 */
public enum IptablesMode {
    NFT("nft"), LEGACY("legacy");

    private final String variant;

    IptablesMode(String variant) {
        this.variant = variant;
    }

    /** {@code iptables-nft-restore}, {@code ip6tables-legacy-restore}, … */
    public String restore(Family f) {
        return f.iptables() + "-" + variant + "-restore";
    }

    /** {@code iptables-nft-save}, … */
    public String save(Family f) {
        return f.iptables() + "-" + variant + "-save";
    }

    /** {@code iptables-nft} or {@code iptables-legacy}. */
    public String label() {
        return "iptables-" + variant;
    }
}
