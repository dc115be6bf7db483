package dev.keelson.linux.nft;

/**
 * nftables refused a batch of commands. The message names the first command line and carries
 * nft's own error text (what {@code nft} would print, captured through
 * {@code nft_ctx_buffer_error}); a refused batch changed nothing, because libnftables sends one
 * nf_tables transaction per call and the kernel applies it whole or not at all.
 */
public final class NftablesException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String commands;
    private final String nftMessage;

    NftablesException(String commands, String nftMessage) {
        super("nft " + quoteFirstLine(commands) + " failed: " + nftMessage.strip());
        this.commands = commands;
        this.nftMessage = nftMessage;
    }

    /** The commands that were refused, as given. */
    public String commands() {
        return commands;
    }

    /** nft's error output, verbatim (with its caret lines). */
    public String nftMessage() {
        return nftMessage;
    }

    /**
     * Whether nft refused because an object named in the commands does not exist (the kernel's
     * ENOENT, which nft prints as "No such file or directory"). Idempotent deletes branch on it.
     */
    public boolean isNotFound() {
        return nftMessage.contains("No such file or directory");
    }

    private static String quoteFirstLine(String commands) {
        String s = commands.strip();
        int nl = s.indexOf('\n');
        String first = nl < 0 ? s : s.substring(0, nl) + " …";
        return "\"" + first + "\"";
    }
}
