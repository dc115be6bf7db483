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
 * @param supervisorPid the process in the host's netns that waits for the node processes and relays the API port
 * @param netnsPins the network namespaces' pins: the nodes' in order, then the underlay's (several nodes)
 * @param cgroupParent the cgroupfs parent of node 1's pods (node K's is {@link ClusterLayout#cgroupParent()} of its layout)
 * @param startedAt when it started (ISO-8601)
 * @param nodes how many nodes (0 in a record written before there could be several: one)
 * @param nodePids the node processes, node 1 first, once they are started (empty before)
 */
public record UpRecord(String cluster, String dataDir, String runDir, int port, long supervisorPid,
        List<String> netnsPins, String cgroupParent, String startedAt, int nodes, List<Long> nodePids) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public UpRecord {
        netnsPins = List.copyOf(netnsPins);
        nodes = Math.max(1, nodes);
        nodePids = nodePids == null ? List.of() : List.copyOf(nodePids);
    }

    /** The record for {@code layout}, made by process {@code pid} now. */
    public static UpRecord of(ClusterLayout layout, long pid, List<Path> pins) {
        return new UpRecord(layout.cluster(), layout.dataDir().toString(), layout.runDir().toString(), layout.port(), pid,
                pins.stream().map(Path::toString).toList(), layout.cgroupParent(), java.time.Instant.now().toString(),
                layout.nodes(), List.of());
    }

    /** This record with the node processes' pids (node 1 first). */
    public UpRecord withNodePids(List<Long> pids) {
        return new UpRecord(cluster, dataDir, runDir, port, supervisorPid, netnsPins, cgroupParent, startedAt, nodes, pids);
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
        return alive(supervisorPid, java.time.Instant.parse(startedAt).plusSeconds(5)).isPresent();
    }

    /** The node processes that still run (started no later than a minute after the record: a reused pid is younger). */
    public List<ProcessHandle> liveNodeProcesses() {
        java.time.Instant latest = java.time.Instant.parse(startedAt).plusSeconds(60);
        return nodePids.stream().flatMap(pid -> alive(pid, latest).stream()).toList();
    }

    private static java.util.Optional<ProcessHandle> alive(long pid, java.time.Instant latest) {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(h -> h.info().startInstant().map(t -> !t.isAfter(latest)).orElse(true));
    }
}
