package dev.keelson.cli.proxy;

import dev.keelson.proxy.compile.CompiledState;
import dev.keelson.proxy.compile.Compiler;
import dev.keelson.proxy.compile.NodeConfig;
import dev.keelson.proxy.conntrack.Conntrack;
import dev.keelson.proxy.model.Snapshot;
import dev.keelson.proxy.sync.Proxier;
import dev.keelson.proxy.sync.SyncMetrics;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code keelson proxy run}: the {@link Proxier} loop fed from a directory of manifests. The
 * directory is polled (names, sizes and modification times; every {@code poll}): polling sees
 * editors' rename-over-writes and files copied in by {@code kubectl get -o yaml > …} alike, and a
 * few stat calls per poll cost nothing next to a sync. A directory that does not parse is logged and
 * skipped, leaving the last good state in force. Every sync, and every failure, is logged as one line
 * (the proxier reports each through {@link Proxier#onSync}, so none is lost between two polls);
 * after each successful sync the state file is updated so {@code show}, {@code trace} and a later
 * {@code apply} see what is applied.
 */
public final class WatchLoop {
    private final Path dir;
    private final BackendKind kind;
    private final NodeConfig node;
    private final Proxier.Options options;
    private final StateStore store;
    private final PrintWriter log;
    private final Duration poll;
    private final CountDownLatch stop = new CountDownLatch(1);

    public WatchLoop(Path dir, BackendKind kind, NodeConfig node, Proxier.Options options, StateStore store,
                     PrintWriter log, Duration poll) {
        this.dir = dir;
        this.kind = kind;
        this.node = node;
        this.options = options;
        this.store = store;
        this.log = log;
        this.poll = poll;
    }

    /** Asks {@link #run} to return (from a signal handler or another thread). */
    public void stop() {
        stop.countDown();
    }

    /**
     * Runs until {@link #stop}; the rules stay in place unless {@code flushOnExit}.
     *
     * @throws InterruptedException when the calling thread is interrupted
     */
    public void run(boolean flushOnExit) throws InterruptedException {
        Conntrack ct = null;
        try {
            ct = Conntrack.open();
        } catch (RuntimeException e) {
            log("conntrack cleanup off: " + e.getMessage());
        }
        try (Proxier proxier = new Proxier(kind.open(), node, options, ct)) {
            // Every sync is queued by the proxier's thread and logged here, in order: a poll that
            // sees several syncs logs each of them, not only the newest.
            BlockingQueue<SyncMetrics> syncs = new LinkedBlockingQueue<>();
            proxier.onSync(syncs::add);
            proxier.start();
            log("watching " + dir + " (backend " + kind.option() + ", node " + node.nodeName() + ")");
            String seen = null;
            ManifestSources sources = null;
            Snapshot snap = null;
            long errors = 0;
            ProxyState.History history = ProxyState.History.none();
            do {
                String now = listing();
                if (!now.equals(seen)) {
                    seen = now;
                    try {
                        // An empty directory is a valid state: no services.
                        List<ManifestSources.Source> files = new java.util.ArrayList<>();
                        for (Path f : ManifestSources.manifestFiles(dir)) {
                            files.add(new ManifestSources.Source(f.toString(), Files.readString(f)));
                        }
                        ManifestSources next = new ManifestSources(files);
                        Snapshot s = next.parse();
                        sources = next;
                        snap = s;
                        proxier.update(s);
                    } catch (IOException | RuntimeException e) {
                        log("not applied: " + e.getMessage());
                    }
                }
                for (SyncMetrics m = syncs.poll(); m != null; m = syncs.poll()) {
                    if (m.errors() != errors) {
                        errors = m.errors();
                        history = history.failure(m.lastError());
                        log("sync failed: " + m.lastError() + " (previous rules intact; the next sync is full)");
                        continue;
                    }
                    history = history.success(m.lastKind(), m.lastLines(), m.lastSyncMillis(), m.lastApplyMillis(),
                            m.conntrackDeleted() - history.conntrackDeleted(), Instant.now().toString());
                    log(String.format("sync %s: %d lines in %.1f ms (kernel %.1f ms), %d services, %d endpoints%s",
                            m.lastKind(), m.lastLines(), m.lastSyncMillis(), m.lastApplyMillis(), m.services(),
                            m.endpoints(), m.lastError() != null ? "; " + m.lastError() : ""));
                    if (syncs.isEmpty()) {
                        record(proxier.applied(), sources, snap, history);
                    }
                }
            } while (!stop.await(poll.toMillis(), TimeUnit.MILLISECONDS));
            if (flushOnExit) {
                proxier.flush();
                store.delete();
                log("stopped; rules flushed");
            } else {
                log("stopped; rules left in place");
            }
        }
    }

    /** Saves the state when the applied rules are those of the newest manifests (a newer update may be pending). */
    private void record(CompiledState applied, ManifestSources sources, Snapshot snap, ProxyState.History h) {
        if (applied == null || sources == null || !Compiler.compile(snap, node).equals(applied)) {
            return;
        }
        try {
            store.save(new ProxyState(kind, kind.mark(), false, node, sources, h));
        } catch (RuntimeException e) {
            log("state not saved: " + e.getMessage());
        }
    }

    private String listing() {
        StringBuilder sb = new StringBuilder();
        try {
            for (Path f : ManifestSources.manifestFiles(dir)) {
                sb.append(f.getFileName()).append(' ').append(Files.size(f)).append(' ')
                        .append(Files.getLastModifiedTime(f).to(TimeUnit.NANOSECONDS)).append('\n');
            }
        } catch (IOException | RuntimeException e) {
            return "unreadable: " + e.getMessage();
        }
        return sb.toString();
    }

    private void log(String line) {
        log.println(Instant.now() + " " + line);
        log.flush();
    }

}
