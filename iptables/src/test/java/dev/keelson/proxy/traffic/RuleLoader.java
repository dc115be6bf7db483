package dev.keelson.proxy.traffic;

import dev.keelson.netns.NetNamespace;
import dev.keelson.proxy.backend.IptablesBackend;
import dev.keelson.proxy.backend.IptablesMode;
import dev.keelson.proxy.backend.NftBackend;
import dev.keelson.proxy.backend.RuleBackend;
import dev.keelson.proxy.compile.CompiledState;
import dev.keelson.proxy.compile.Family;
import dev.keelson.proxy.compile.StateDiff;
import java.io.IOException;
import java.util.List;

/**
 * Puts compiled rules into a node namespace's kernel through the real backends, driven as the sync
 * loop drives them: {@link RuleBackend#full} first, then {@link RuleBackend#incremental} with the
 * diff. The only place the traffic tests load rules.
 *
 * <p>A backend acts on the network namespace of the thread that calls it: NftBackend's
 * libnftables context and netlink socket belong to the namespace they were opened in, and
 * IptablesBackend starts {@code iptables-restore} from the calling thread (a child inherits the
 * network namespace of the thread that forked it). So every call is made inside
 * {@code node.run}.
 */
interface RuleLoader extends AutoCloseable {

    /** Replaces whatever this loader owns with {@code state}. */
    void full(CompiledState state) throws IOException;

    /** Moves the kernel from {@code before} (loaded earlier) to {@code after}, writing only the diff. */
    void update(CompiledState before, CompiledState after) throws IOException;

    @Override
    void close();

    /** The rule form under test: the backend that loads it. */
    enum Form {
        NFT, IPTABLES, IPTABLES_LEGACY;

        RuleLoader open(NetNamespace node) {
            RuleBackend backend = switch (this) {
                case NFT -> node.run(NftBackend::open);
                case IPTABLES -> new IptablesBackend(IptablesMode.NFT, List.of(Family.V4, Family.V6));
                case IPTABLES_LEGACY -> new IptablesBackend(IptablesMode.LEGACY, List.of(Family.V4, Family.V6));
            };
            return new BackendLoader(node, backend);
        }
    }

    /** One backend, called on node-namespace threads. */
    final class BackendLoader implements RuleLoader {
        private final NetNamespace node;
        private final RuleBackend backend;

        BackendLoader(NetNamespace node, RuleBackend backend) {
            this.node = node;
            this.backend = backend;
        }

        @Override
        public void full(CompiledState state) {
            node.run(() -> backend.full(state));
        }

        @Override
        public void update(CompiledState before, CompiledState after) {
            StateDiff diff = StateDiff.between(before, after);
            if (!diff.isEmpty()) {
                node.run(() -> backend.incremental(diff, after));
            }
        }

        @Override
        public void close() {
            backend.close();
        }
    }
}
