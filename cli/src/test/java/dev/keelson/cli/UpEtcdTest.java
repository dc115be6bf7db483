package dev.keelson.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.control.store.etcd.LocalEtcd;
import dev.keelson.testing.Command;
import dev.keelson.testing.KernelTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keelson up --etcd URL} against a real etcd (Debian's etcd-server) listening on the
 * caller's loopback, which the node namespace has no route to: the cluster reaches it through its
 * relay. A pod runs, the objects are in etcd (read back with etcdctl), nothing goes to SQLite, and
 * {@code keelson down} leaves nothing.
 */
@KernelTest
class UpEtcdTest {
    @TempDir
    Path tmp;

    @Test
    void upStoresTheClusterInEtcdOnTheCallersLoopback() throws Exception {
        List<String> before = UpProcess.netnsPins();
        try (LocalEtcd etcd = LocalEtcd.start()) {
            UpProcess c = new UpProcess(tmp, "etcd", "--etcd", etcd.endpoint());
            try {
                c.awaitUp();
                assertTrue(c.log().contains("etcd"), c.log());
                c.kubectl("create", "configmap", "kept-in-etcd", "--from-literal=k=v");
                c.kubectl("run", "web", "--image=keelson.local/busybox:1.0", "--image-pull-policy=Never", "--", "sleep", "3600");
                assertTrue(c.awaitText("Running", "get", "pod", "web", "-o", "jsonpath={.status.phase}"),
                        c.kubectl("describe", "pod", "web") + "\n" + c.log());
                String keys = Command.ok("etcdctl", "--endpoints", etcd.endpoint(), "get", "--prefix", "--keys-only", "/registry/");
                assertTrue(keys.contains("/registry/core/configmaps/default/kept-in-etcd"), keys);
                assertTrue(keys.contains("/registry/core/pods/default/web"), keys);
                assertFalse(Files.exists(c.data.resolve("server/store.db")), "nothing went to the embedded store");

                Main.run(new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true), c.downArgs());
                assertTrue(c.process.waitFor(60, TimeUnit.SECONDS), "keelson up did not stop after down; its log:\n" + c.log());
            } finally {
                c.kill();
                c.downIfLeft();
            }
        }
        assertEquals(List.of(), UpProcess.added(before), "no netns pin is left");
        assertEquals(List.of("lo"), UpProcess.hostLinks(), "the host's namespace keeps only lo");
    }
}
