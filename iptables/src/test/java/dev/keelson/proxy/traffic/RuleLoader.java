package dev.keelson.proxy.traffic;

import dev.keelson.linux.nft.Nftables;
import dev.keelson.netns.NetNamespace;
import dev.keelson.proxy.compile.CompiledState;
import dev.keelson.proxy.compile.Family;
import dev.keelson.proxy.compile.StateDiff;
import dev.keelson.proxy.ipt.IptablesRenderer;
import dev.keelson.proxy.nft.NftRenderer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Puts compiled rules into a node namespace's kernel. The only place the traffic tests load
 * rules, so that switching them to the in-process backends (NftBackend, IptablesBackend) is
 * one change here.
 */
interface RuleLoader extends AutoCloseable {

    /** Replaces whatever this loader owns with {@code state}. */
    void full(CompiledState state) throws IOException;

    /** Moves the kernel from {@code before} (loaded earlier) to {@code after}, writing only the diff. */
    void update(CompiledState before, CompiledState after) throws IOException;

    @Override
    void close();

    /** The rule form under test. */
    enum Form {
        NFT, IPTABLES;

        RuleLoader open(NetNamespace node) {
            return this == NFT ? new NftLoader(node) : new IptablesLoader(node);
        }
    }

    /**
     * NftRenderer text through libnftables. The context is opened on a thread inside the node
     * namespace, so its netlink socket (and every later transaction) belongs to that namespace.
     */
    final class NftLoader implements RuleLoader {
        private final Nftables nft;

        NftLoader(NetNamespace node) {
            this.nft = node.run(Nftables::open);
        }

        @Override
        public void full(CompiledState state) {
            nft.run(NftRenderer.full(state));
        }

        @Override
        public void update(CompiledState before, CompiledState after) {
            nft.run(NftRenderer.incremental(StateDiff.between(before, after)));
        }

        @Override
        public void close() {
            nft.close();
        }
    }

    /**
     * IptablesRenderer text through {@code iptables-restore --noflush}. The process is started
     * from a thread inside the node namespace: a child created by fork/clone inherits the
     * network namespace of the thread that created it.
     */
    final class IptablesLoader implements RuleLoader {
        private final NetNamespace node;

        IptablesLoader(NetNamespace node) {
            this.node = node;
        }

        @Override
        public void full(CompiledState state) throws IOException {
            restore(IptablesRenderer.full(state, Family.V4));
        }

        @Override
        public void update(CompiledState before, CompiledState after) throws IOException {
            restore(IptablesRenderer.partial(StateDiff.between(before, after), after, Family.V4));
        }

        private void restore(String text) throws IOException {
            Process p = node.run(() -> new ProcessBuilder("iptables-restore", "--noflush")
                    .redirectErrorStream(true).start());
            try (var in = p.getOutputStream()) {
                in.write(text.getBytes(StandardCharsets.UTF_8));
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            try {
                if (p.waitFor() != 0) {
                    throw new IOException("iptables-restore failed: " + out + "\n" + text);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted waiting for iptables-restore", e);
            }
        }

        @Override
        public void close() {
            // rules go with the namespace
        }
    }
}
