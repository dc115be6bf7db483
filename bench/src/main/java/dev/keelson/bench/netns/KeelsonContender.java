package dev.keelson.bench.netns;

import dev.keelson.bench.Samples;
import dev.keelson.netns.NetNamespace;
import dev.keelson.netns.NetnsDirectory;

/**
 * Keelson's own path: {@link NetnsDirectory#create(String)} (pin file, unshare on a namespace
 * thread, bind mount, switch back; returns an open handle) and {@link NetnsDirectory#delete(String)}
 * (lazy unmount, unlink). Closing the handle is not timed: {@code ip} and the C floor hold none.
 */
final class KeelsonContender implements Contender {
    private final NetnsDirectory dir;
    private final String prefix;
    private int next;

    KeelsonContender(NetnsDirectory dir, String prefix) {
        this.dir = dir;
        this.prefix = prefix;
    }

    @Override
    public String name() {
        return "keelson";
    }

    @Override
    public void run(int count, long pauseNanos, Samples create, Samples delete) {
        for (int i = 0; i < count; i++) {
            String name = prefix + next++;
            Contender.pause(pauseNanos);
            long t0 = System.nanoTime();
            NetNamespace ns = dir.create(name);
            long t1 = System.nanoTime();
            ns.close();
            Contender.pause(pauseNanos);
            long t2 = System.nanoTime();
            if (!dir.delete(name)) {
                throw new IllegalStateException("netns \"" + name + "\" vanished before it was deleted");
            }
            long t3 = System.nanoTime();
            create.add(t1 - t0);
            delete.add(t3 - t2);
        }
    }
}
