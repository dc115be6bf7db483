package dev.keelson.bench.proxy;

import dev.keelson.netns.NetNamespace;
import dev.keelson.netns.addr.InetAddresses;
import dev.keelson.netns.addr.IpPrefix;
import dev.keelson.proxy.compile.CompiledState;
import dev.keelson.proxy.compile.IncrementalCompiler;
import dev.keelson.proxy.compile.Family;
import dev.keelson.proxy.compile.NodeConfig;
import dev.keelson.proxy.backend.Applied;
import dev.keelson.proxy.backend.IptablesBackend;
import dev.keelson.proxy.backend.IptablesMode;
import dev.keelson.proxy.backend.NftBackend;
import dev.keelson.proxy.backend.RuleBackend;
import dev.keelson.proxy.model.Service;
import dev.keelson.proxy.model.ServiceRef;
import dev.keelson.proxy.model.Snapshot;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One rule layout and the way it is loaded. A sync is timed from the model (or plain service
 * list) to rules in the kernel: compile, diff and the backend call are Keelson's time, text
 * generation and the tool run the reference layouts'.
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
     * Keelson's real backends, driven as the sync loop drives them ({@code Proxier}): the model is
     * a persistent {@link Snapshot} updated one object at a time (as watch events would), an
     * {@link IncrementalCompiler} recompiles only the Services that changed and produces the diff,
     * then {@link RuleBackend#full} or {@link RuleBackend#incremental}. The two parts are timed
     * apart: {@link #lastCompileNanos} (snapshot update, compile + diff) and {@link #lastApplyNanos}
     * (the backend call: render, then the netlink batch, libnftables or iptables-restore, until the
     * kernel answered). Finding which services two workloads differ in stands in for the watch and
     * is not timed.
     */
    static final class Keelson extends Contender {
        private final String backendName;
        private NetNamespace node;
        private RuleBackend backend;
        private IncrementalCompiler compiler;
        private Snapshot model;
        /** How long the last sync spent compiling the model and diffing it against the applied state. */
        long lastCompileNanos;
        /** How long the last sync spent in the backend call. */
        long lastApplyNanos;

        /**
         * @param form {@code nft} (NftBackend), {@code iptables} (IptablesBackend, iptables-nft) or
         *             {@code iptables-legacy} (IptablesBackend, iptables-legacy)
         */
        Keelson(String form) {
            super(form, "keelson " + switch (form) {
                case "nft" -> "nft (NftBackend)";
                case "iptables" -> "iptables-nft (IptablesBackend)";
                case "iptables-legacy" -> "iptables-legacy (IptablesBackend)";
                default -> throw new IllegalArgumentException("no Keelson backend " + form);
            });
            backendName = form;
        }

        @Override
        void open(NetNamespace node) {
            this.node = node;
            // NftBackend's libnftables context and netlink socket belong to the namespace of the
            // thread that opens them; IptablesBackend starts its tools from the calling thread, so
            // every call to it is made on a node-namespace thread (see apply()).
            backend = switch (backendName) {
                case "nft" -> node.run(NftBackend::open);
                case "iptables" -> new IptablesBackend(IptablesMode.NFT, List.of(Family.V4));
                default -> new IptablesBackend(IptablesMode.LEGACY, List.of(Family.V4));
            };
        }

        @Override
        void full(Workload w, Duration cap) {
            long t0 = System.nanoTime();
            Snapshot snap = w.snapshot();
            compiler = new IncrementalCompiler(NODE);
            CompiledState s = compiler.update(snap).after();
            long t1 = System.nanoTime();
            apply(() -> backend.full(s));
            lastApplyNanos = System.nanoTime() - t1;
            lastCompileNanos = t1 - t0;
            model = snap;
        }

        @Override
        void change(Workload before, Workload after) {
            List<Workload.Svc> removed = new ArrayList<>();
            List<Workload.Svc> upserted = new ArrayList<>();
            changes(before, after, removed, upserted);
            List<Snapshot> objects = upserted.stream().map(v -> new Workload(List.of(v)).snapshot()).toList();
            long t0 = System.nanoTime();
            Snapshot next = model;
            for (Workload.Svc v : removed) {
                ServiceRef ref = new ServiceRef(Workload.NAMESPACE, v.name());
                next = next.without(ref).withSlices(ref, List.of());
            }
            for (Snapshot one : objects) {
                Service svc = one.services().values().iterator().next();
                next = next.with(svc).withSlices(svc.ref(), one.slicesOf(svc.ref()));
            }
            IncrementalCompiler.Step step = compiler.update(next);
            long t1 = System.nanoTime();
            if (!step.diff().isEmpty()) {
                apply(() -> backend.incremental(step.diff(), step.after()));
            }
            lastApplyNanos = System.nanoTime() - t1;
            lastCompileNanos = t1 - t0;
            model = next;
        }

        /** The services {@code after} lacks, and those it adds or changes, relative to {@code before}. */
        private static void changes(Workload before, Workload after, List<Workload.Svc> removed,
                                    List<Workload.Svc> upserted) {
            Map<String, Workload.Svc> old = new HashMap<>();
            before.services().forEach(v -> old.put(v.name(), v));
            for (Workload.Svc v : after.services()) {
                Workload.Svc was = old.remove(v.name());
                if (!v.equals(was)) {
                    upserted.add(v);
                }
            }
            removed.addAll(old.values());
        }

        private void apply(java.util.function.Supplier<Applied> call) {
            if (backend instanceof NftBackend) {
                call.get();
            } else {
                node.run(call::get);
            }
        }

        @Override
        public void close() {
            if (backend != null) {
                backend.close();
            }
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
