package dev.keelson.bench.proxy;

import dev.keelson.netns.NetNamespace;
import dev.keelson.netns.addr.InetAddresses;
import dev.keelson.netns.addr.IpPrefix;
import dev.keelson.proxy.compile.CompiledState;
import dev.keelson.proxy.compile.Compiler;
import dev.keelson.proxy.compile.Family;
import dev.keelson.proxy.compile.NodeConfig;
import dev.keelson.proxy.compile.StateDiff;
import dev.keelson.proxy.ipt.IptablesRenderer;
import dev.keelson.proxy.nft.NftRenderer;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * One rule layout and the way it is loaded. A sync is timed from the model (or plain service
 * list) to rules in the kernel: compile and render are part of Keelson's time, text generation
 * part of the reference layouts'.
 */
abstract sealed class Contender implements AutoCloseable {
    static final NodeConfig NODE = new NodeConfig("node-a", List.of(InetAddresses.parse("10.199.0.1")),
            List.of(IpPrefix.parse(KubeNftLayout.CLUSTER_CIDR)), List.of(IpPrefix.parse("172.30.0.0/16")), false);

    /** "nft" or "iptables": the two contests. */
    final String form;
    /** Shown in the report. */
    final String label;
    RuleSink sink;

    Contender(String form, String label) {
        this.form = form;
        this.label = label;
    }

    abstract void open(NetNamespace node);

    /** Loads {@code w} into a node namespace without rules of this layout. */
    abstract void full(Workload w, Duration cap) throws IOException, RuleSink.CapExceededException;

    /** Moves the loaded rules from {@code before} to {@code after}. */
    abstract void change(Workload before, Workload after) throws IOException, RuleSink.CapExceededException;

    @Override
    public void close() {
        if (sink != null) {
            sink.close();
        }
    }

    static final Duration CHANGE_CAP = Duration.ofMinutes(2);

    /**
     * Keelson's compiler and renderers; keeps the compiled state of the last sync for diffs. It
     * recompiles the whole model on every change (the sync loop's per-service compile is not on
     * this branch), so {@link #lastApplyNanos} separates the kernel part from that.
     */
    static final class Keelson extends Contender {
        private CompiledState state;
        /** How long the last sync spent in the kernel load alone. */
        long lastApplyNanos;

        Keelson(String form) {
            super(form, "keelson " + form);
        }

        @Override
        void open(NetNamespace node) {
            sink = form.equals("nft") ? RuleSink.libnftables(node) : RuleSink.exec(node, List.of("iptables-restore", "--noflush"));
            fullSink = form.equals("nft") ? sink : RuleSink.exec(node, List.of("iptables-restore"));
        }

        private RuleSink fullSink;

        @Override
        void full(Workload w, Duration cap) throws IOException, RuleSink.CapExceededException {
            CompiledState s = Compiler.compile(w.snapshot(), NODE);
            // Full iptables sync: restore without --noflush replaces the tables it names at once.
            String text = form.equals("nft") ? NftRenderer.full(s) : IptablesRenderer.full(s, Family.V4);
            long t0 = System.nanoTime();
            fullSink.apply(text, cap);
            lastApplyNanos = System.nanoTime() - t0;
            state = s;
        }

        @Override
        void change(Workload before, Workload after) throws IOException, RuleSink.CapExceededException {
            CompiledState s = Compiler.compile(after.snapshot(), NODE);
            StateDiff d = StateDiff.between(state, s);
            String text = form.equals("nft") ? NftRenderer.incremental(d) : IptablesRenderer.partial(d, s, Family.V4);
            long t0 = System.nanoTime();
            sink.apply(text, CHANGE_CAP);
            lastApplyNanos = System.nanoTime() - t0;
            state = s;
        }
    }

    /** kube-proxy's nftables layout through the {@code nft} CLI, as knftables runs it. */
    static final class KubeNft extends Contender {
        KubeNft() {
            super("nft", "kube-proxy nft layout (nft -f)");
        }

        @Override
        void open(NetNamespace node) {
            sink = RuleSink.exec(node, List.of("nft", "-f", "-"));
        }

        @Override
        void full(Workload w, Duration cap) throws IOException, RuleSink.CapExceededException {
            sink.apply(KubeNftLayout.full(w), cap);
        }

        @Override
        void change(Workload before, Workload after) throws IOException, RuleSink.CapExceededException {
            sink.apply(KubeNftLayout.changed(before, after), CHANGE_CAP);
        }
    }

    /**
     * kube-proxy's iptables layout through {@code iptables-restore --noflush}, as kube-proxy runs
     * it. When a full load with --noflush passes the cap, the same text is loaded without it (much
     * faster on iptables-nft) so that the change and traffic figures can still be measured.
     */
    static final class KubeIptables extends Contender {
        private RuleSink flushing;

        KubeIptables() {
            super("iptables", "kube-proxy iptables layout (iptables-restore --noflush)");
        }

        @Override
        void open(NetNamespace node) {
            sink = RuleSink.exec(node, List.of("iptables-restore", "--noflush"));
            flushing = RuleSink.exec(node, List.of("iptables-restore"));
        }

        @Override
        void full(Workload w, Duration cap) throws IOException, RuleSink.CapExceededException {
            String text = KubeIptablesLayout.full(w);
            try {
                sink.apply(text, cap);
            } catch (RuleSink.CapExceededException e) {
                flushing.apply(text, CHANGE_CAP.multipliedBy(5));
                throw e;
            }
        }

        @Override
        void change(Workload before, Workload after) throws IOException, RuleSink.CapExceededException {
            sink.apply(KubeIptablesLayout.partial(before, after), CHANGE_CAP);
        }
    }
}
