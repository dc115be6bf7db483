package dev.keelson.bench.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.keelson.netns.NetNamespace;
import dev.keelson.netns.NetnsDirectory;
import dev.keelson.testing.KernelTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fact the CNI benchmark's safety rests on: a process started by {@link ProcessBuilder#start()}
 * from a thread inside a namespace ({@link NetNamespace#run}) starts in that namespace, not in the
 * JVM's — so plugins exec'd from the node namespace act there.
 */
@KernelTest
class SpawnNamespaceKernelTest {
    private static final Path ROOT = Path.of("/run/keelson/spawn-ns-test");
    private NetNamespace node;

    @BeforeEach
    void node() {
        node = NetnsDirectory.of(ROOT).create("node");
    }

    @AfterEach
    void delete() {
        NetnsDirectory.of(ROOT).destroy();
    }

    /** The namespace inode a child reports for itself: {@code readlink /proc/self/ns/net} is {@code net:[INODE]}. */
    private static long childNamespace() throws Exception {
        Process p = new ProcessBuilder("readlink", "/proc/self/ns/net").start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        assertEquals(0, p.waitFor());
        return Long.parseLong(out.substring(out.indexOf('[') + 1, out.indexOf(']')));
    }

    @Test
    void aProcessSpawnedFromANamespaceThreadStartsInThatNamespace() throws Exception {
        long own = (Long) Files.getAttribute(Path.of("/proc/thread-self/ns/net"), "unix:ino");
        assertNotEquals(own, node.inode());
        assertEquals(node.inode(), (long) node.run(SpawnNamespaceKernelTest::childNamespace));
        // and a spawn from this thread afterwards is back in the JVM's own
        assertEquals(own, childNamespace());
    }

    @Test
    void theExecInvokerRunsThePluginInTheCallingThreadsNamespace() throws Exception {
        // a "plugin" that prints its namespace: /bin/sh reads the script from stdin like a config
        Invoker sh = Invoker.exec(Path.of("/bin/sh"), Map.of("PATH", "/usr/bin:/bin"));
        byte[] script = "readlink /proc/self/ns/net\n".getBytes(StandardCharsets.US_ASCII);
        Invoker.Outcome o = node.run(() -> sh.call(Map.of(), script));
        assertEquals(0, o.exit(), o.err());
        assertEquals("net:[" + node.inode() + "]", o.out().strip());
    }
}
