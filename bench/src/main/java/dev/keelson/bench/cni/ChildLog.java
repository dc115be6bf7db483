package dev.keelson.bench.cni;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** What a helper process of the run (the floor, the spawner) said before failing. */
final class ChildLog {
    private ChildLog() {
    }

    /** Its exit status if it ended, and its log (stderr), for an error message. */
    static String failure(Process process, Path log) {
        try {
            process.waitFor(5, TimeUnit.SECONDS);
            String s = Files.readString(log).strip();
            return (process.isAlive() ? "" : "status " + process.exitValue() + ": ") + (s.isEmpty() ? "(no message)" : s);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted)";
        }
    }
}
