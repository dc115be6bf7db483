package dev.keelson.cli.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keelson.linux.nft.Nftables;
import dev.keelson.proxy.backend.BackendException;
import dev.keelson.proxy.backend.IptablesBackend;
import dev.keelson.proxy.backend.IptablesMode;
import dev.keelson.proxy.backend.NftBackend;
import dev.keelson.proxy.backend.RuleBackend;
import dev.keelson.proxy.compile.CompiledState;
import dev.keelson.proxy.compile.Family;
import dev.keelson.proxy.compile.StateDiff;
import dev.keelson.proxy.ipt.IptablesRenderer;
import dev.keelson.proxy.nft.NftRenderer;
import java.io.IOException;
import java.util.List;

/**
 * The backends {@code keelson proxy --backend} names, and what the CLI needs of each beyond
 * {@link RuleBackend}: the text a dry run prints, and a cheap mark of "our rules are still there"
 * that lets a later process trust its state file (see {@link #mark()}).
 */
public enum BackendKind {
    NFT("nft"), IPTABLES("iptables"), IPTABLES_LEGACY("iptables-legacy");

    /** Both families: a proxy owns its chains in both, whatever the services use today. */
    private static final List<Family> FAMILIES = List.of(Family.V4, Family.V6);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** nft's name for the Keelson table. */
    public static final String NFT_TABLE = "inet keelson";

    private final String option;

    BackendKind(String option) {
        this.option = option;
    }

    /** The {@code --backend} value. */
    public String option() {
        return option;
    }

    /** Parses a {@code --backend} value; null when unknown. */
    public static BackendKind of(String option) {
        for (BackendKind k : values()) {
            if (k.option.equals(option)) {
                return k;
            }
        }
        return null;
    }

    /** Opens the backend in the calling thread's network namespace. */
    public RuleBackend open() {
        return this == NFT ? NftBackend.open() : new IptablesBackend(mode(), FAMILIES);
    }

    private IptablesMode mode() {
        return this == IPTABLES_LEGACY ? IptablesMode.LEGACY : IptablesMode.NFT;
    }

    /**
     * The text a full load sends (for {@code --dry-run}). The iptables backend restores it without
     * {@code --noflush}, together with the other programs' chains and rules it read from
     * {@code iptables-save} (not shown), so filter and nat are replaced in one commit.
     */
    public String fullText(CompiledState s) {
        if (this == NFT) {
            return NftRenderer.full(s);
        }
        StringBuilder sb = new StringBuilder();
        for (Family f : FAMILIES) {
            sb.append("# ").append(mode().restore(f)).append(" (other programs' chains and rules carried over)\n")
                    .append(IptablesRenderer.full(s, f));
        }
        return sb.toString();
    }

    /** The text an incremental sync sends (empty when nothing changed). */
    public String incrementalText(StateDiff d, CompiledState after) {
        if (this == NFT) {
            return NftRenderer.incremental(d);
        }
        StringBuilder sb = new StringBuilder();
        for (Family f : FAMILIES) {
            String part = IptablesRenderer.partial(d, after, f);
            if (!part.isEmpty()) {
                sb.append("# ").append(mode().restore(f)).append(" --noflush\n").append(part);
            }
        }
        return sb.toString();
    }

    /**
     * Sends an iptables incremental sync without a preceding full one in this process (see
     * {@link ResumedBackend}; the nft backend resumes by itself).
     */
    void sendIncremental(StateDiff d, CompiledState after) {
        if (this == NFT) {
            throw new IllegalStateException("the nft backend sends its own incremental syncs (NftBackend.resume)");
        }
        for (Family f : FAMILIES) {
            String part = IptablesRenderer.partial(d, after, f);
            if (!part.isEmpty()) {
                Tool.Result r = Tool.run(List.of(mode().restore(f), "--noflush", "--wait"), part);
                if (r.exit() != 0) {
                    throw new BackendException(mode().restore(f) + " incremental sync refused (exit " + r.exit()
                            + "): " + r.err().strip());
                }
            }
        }
    }

    /**
     * A cheap fingerprint of the rules this backend owns in the current namespace, or -1 when they
     * are absent. nft: the handle of {@code table inet keelson}, which the kernel numbers afresh
     * whenever the table is created (so a table deleted and re-made by someone else differs).
     * iptables: 1 when the nat chain {@code KUBE-POSTROUTING} exists (iptables has no such number).
     */
    public long mark() {
        if (this == NFT) {
            try (Nftables nft = Nftables.open()) {
                JsonNode root = JSON.readTree(nft.runJson("list tables"));
                for (JsonNode item : root.path("nftables")) {
                    JsonNode t = item.path("table");
                    if (t.path("family").asText().equals("inet") && t.path("name").asText().equals("keelson")) {
                        return t.path("handle").asLong(-1);
                    }
                }
                return -1;
            } catch (IOException e) {
                return -1;
            }
        }
        String iptables = mode().restore(Family.V4).replace("-restore", "");
        return Tool.run(List.of(iptables, "--wait", "-t", "nat", "-S", "KUBE-POSTROUTING"), null).exit() == 0 ? 1 : -1;
    }
}
