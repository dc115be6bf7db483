package dev.keelson.cli;

import java.util.HexFormat;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/** Helpers of the process that runs inside a node's network namespace. */
final class NodeProcess {
    /** How long SIGTERM waits for the cluster to remove its pods before the JVM halts anyway. */
    private static final long STOP_SECONDS = 110;

    private NodeProcess() {
    }

    /**
     * On SIGTERM/SIGINT, releases {@code stop} and keeps the JVM alive until {@code done} (the JVM
     * halts as soon as its shutdown hooks return, so the hook itself must wait for the teardown).
     */
    static void onSignal(CountDownLatch stop, CountDownLatch done) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown();
            try {
                done.await(STOP_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "keelson-node-stop"));
    }

    /**
     * A node namespace has only lo, so Netty finds no hardware address for its channel ids and warns
     * on stderr; give it a random one first (read once, in a static initializer).
     */
    static void quietNetty() {
        if (System.getProperty("io.netty.machineId") == null) {
            byte[] b = new byte[6];
            ThreadLocalRandom.current().nextBytes(b);
            b[0] = (byte) ((b[0] | 0x02) & 0xfe); // locally administered, unicast
            System.setProperty("io.netty.machineId", HexFormat.ofDelimiter(":").formatHex(b));
        }
    }
}
