package dev.keelson.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.testing.Command;
import dev.keelson.testing.KernelTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs a child JVM with every capability dropped (uid 0 but powerless) and reads its error. */
@KernelTest
class PermissionTest {

    /** Entry point of the unprivileged child. */
    public static void main(String[] args) {
        try (NetNamespace ns = NetNamespace.create(args[0])) {
            System.out.println("created " + ns);
        } catch (RuntimeException e) {
            System.out.println(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    @Test
    void withoutCapSysAdminCreateFailsNamingTheCapability() {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Command c = Command.run(List.of("setpriv", "--bounding-set=-all", "--inh-caps=-all", "--",
                java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                PermissionTest.class.getName(), "noperm"));
        assertEquals(0, c.exit(), c.err());
        String out = c.out().strip();
        assertTrue(out.startsWith("PermissionException: "), out);
        assertTrue(out.contains("EPERM (Operation not permitted)"), out);
        assertTrue(out.contains("needs CAP_SYS_ADMIN"), out);
        assertTrue(NetnsDirectory.system().list().isEmpty(), "a failed create leaves no pin behind");
    }
}
