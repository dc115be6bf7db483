package dev.keelson.bench.cni;

import dev.keelson.bench.Samples;
import dev.keelson.cni.nft.IpMasq;
import dev.keelson.linux.nft.KeptContexts;
import dev.keelson.netns.NetNamespace;
import java.util.List;

/**
 * What {@code ipMasq} adds to an ADD and a DEL, measured on the step itself: {@link IpMasq#setup}
 * and {@link IpMasq#teardown} timed on a node-namespace thread, with {@code others} containers'
 * masquerades already in the table (as on a node with pods). A DEL's total is dominated by the
 * kernel deleting the veth (15–30 ms, varying by several ms from call to call), which swamps a
 * sub-millisecond step when two medians are subtracted; this measures the step alone.
 */
final class MasqStep {
    private static final String NETWORK = "bench-masq-step";

    private MasqStep() {
    }

    /** Setup and teardown durations, {@code n} of each after {@code n} uncounted pairs. */
    static Samples[] measure(NetNamespace node, int others, int n) {
        return node.run(() -> {
            Samples setup = new Samples();
            Samples teardown = new Samples();
            try {
                for (int i = 0; i < others; i++) {
                    IpMasq.setup(NETWORK, "other-" + i, "eth0", List.of(address(i)));
                }
                for (int i = 0; i < 2 * n; i++) {
                    String id = "step-" + i;
                    long t0 = System.nanoTime();
                    IpMasq.setup(NETWORK, id, "eth0", List.of(address(others + 1)));
                    long t1 = System.nanoTime();
                    IpMasq.teardown(NETWORK, id, "eth0");
                    long t2 = System.nanoTime();
                    if (i >= n) {
                        setup.add(t1 - t0);
                        teardown.add(t2 - t1);
                    }
                }
            } finally {
                for (int i = 0; i < others; i++) {
                    IpMasq.teardown(NETWORK, "other-" + i, "eth0");
                }
                KeptContexts.releaseCurrentNetns();
            }
            return new Samples[] {setup, teardown};
        });
    }

    private static String address(int i) {
        return "10.253." + (i + 2) / 256 + "." + (i + 2) % 256 + "/16";
    }
}
