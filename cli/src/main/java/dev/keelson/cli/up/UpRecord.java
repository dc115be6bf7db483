package dev.keelson.cli.up;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * What a running {@code keelson up} created on the host, written to {@code RUN/up.json} before each
 * thing is made (so a crash between the write and the creation leaves a record of something that
 * may not exist, never the reverse). {@code keelson down} reads it to stop the cluster, or to clean
 * up after one that died.
 *
 * @param cluster the cluster name
 * @param dataDir the data directory
 * @param runDir the run directory
 * @param port the API server port
 * @param supervisorPid the process in the host's netns that waits for the node process and relays the API port
 * @param netnsPins the node network namespaces' pins
 * @param cgroupParent the cgroupfs parent of the pods
 * @param startedAt when it started (ISO-8601)
 */
public record UpRecord(String cluster, String dataDir, String runDir, int port, long supervisorPid,
        List<String> netnsPins, String cgroupParent, String startedAt) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public UpRecord {
        netnsPins = List.copyOf(netnsPins);
    }

    /** The record for {@code layout}, made by process {@code pid} now. */
    public static UpRecord of(ClusterLayout layout, long pid, List<Path> pins) {
        return new UpRecord(layout.cluster(), layout.dataDir().toString(), layout.runDir().toString(), layout.port(), pid,
                pins.stream().map(Path::toString).toList(), layout.cgroupParent(), java.time.Instant.now().toString());
    }

    /** Writes the record atomically (temporary file, then rename). */
    public void write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), this);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The record in {@code file}, or empty when there is none. */
    public static Optional<UpRecord> read(Path file) throws IOException {
        try {
            return Optional.of(JSON.readValue(Files.readAllBytes(file), UpRecord.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether the supervisor process still runs. A pid reused by an unrelated process is told apart by
     * its start time, which must not be after the record's (the command line is no help: the JDK
     * reads only the first part of a long one, and a JVM's class path is long).
     */
    public boolean supervisorAlive() {
        java.time.Instant recorded = java.time.Instant.parse(startedAt).plusSeconds(5);
        return ProcessHandle.of(supervisorPid).filter(ProcessHandle::isAlive)
                .map(h -> h.info().startInstant().map(t -> !t.isAfter(recorded)).orElse(true)).orElse(false);
    }
}
