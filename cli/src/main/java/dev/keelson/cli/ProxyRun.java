package dev.keelson.cli;

import dev.keelson.cli.proxy.BackendKind;
import dev.keelson.cli.proxy.Durations;
import dev.keelson.cli.proxy.ProxyState;
import dev.keelson.cli.proxy.StateStore;
import dev.keelson.cli.proxy.WatchLoop;
import dev.keelson.proxy.compile.NodeConfig;
import dev.keelson.proxy.sync.Proxier;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code keelson proxy run --watch-dir DIR}: the sync loop, fed by a directory of manifests. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the sync loop in the foreground: re-apply whenever the manifests in DIR change, "
                + "at most once per --min-sync-interval, with a full resync every --full-resync-interval "
                + "and stale UDP conntrack cleanup. SIGINT or SIGTERM stops it; the rules stay unless --flush-on-exit.")
final class ProxyRun implements Callable<Integer> {
    @ParentCommand
    ProxyCommand parent;
    @Spec
    CommandSpec spec;
    @Option(names = "--watch-dir", paramLabel = "DIR", required = true, description = "Directory of YAML/JSON manifests.")
    Path dir;
    @Option(names = "--min-sync-interval", paramLabel = "D", defaultValue = "1s",
            description = "At most one sync per this interval; changes in between coalesce (default: ${DEFAULT-VALUE}).")
    String minSync;
    @Option(names = "--full-resync-interval", paramLabel = "D", defaultValue = "1h",
            description = "A full sync at least this often, repairing changes made behind Keelson's back; 0: never "
                    + "(default: ${DEFAULT-VALUE}).")
    String fullResync;
    @Option(names = "--poll-interval", paramLabel = "D", defaultValue = "200ms",
            description = "How often DIR is checked for changes (default: ${DEFAULT-VALUE}).")
    String pollInterval;
    @Option(names = "--flush-on-exit", description = "Remove the rules when stopping.")
    boolean flushOnExit;
    @Mixin
    ProxyCommand.BackendOption backendOption = new ProxyCommand.BackendOption();
    @Mixin
    ProxyCommand.NodeOptions nodeOptions = new ProxyCommand.NodeOptions();

    @Override
    public Integer call() throws InterruptedException {
        if (!Files.isDirectory(dir)) {
            throw new Main.UsageError("--watch-dir " + dir + ": not a directory");
        }
        Duration min = duration("--min-sync-interval", minSync);
        Duration full = duration("--full-resync-interval", fullResync);
        Duration poll = duration("--poll-interval", pollInterval);
        StateStore store = parent.store();
        ProxyState prev = store.load().state();
        BackendKind kind = backendOption.resolve(prev);
        NodeConfig node = nodeOptions.resolve(prev);
        WatchLoop loop = new WatchLoop(dir, kind, node, new Proxier.Options(min, full, true), store,
                spec.commandLine().getErr(), poll);
        // SIGINT/SIGTERM are how `run` is meant to end: the hook stops the loop, waits until it has
        // closed the proxier in order, and ends the JVM with status 0 (not 130/143).
        CountDownLatch finished = new CountDownLatch(1);
        PrintWriter err = spec.commandLine().getErr();
        Thread hook = new Thread(() -> {
            loop.stop();
            try {
                finished.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            err.flush();
            Runtime.getRuntime().halt(0);
        }, "keelson-proxy-run-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            loop.run(flushOnExit);
        } finally {
            finished.countDown();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // stopping by signal: the hook ends the JVM
        }
        return 0;
    }

    private static Duration duration(String option, String text) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new Main.UsageError(option + ": " + e.getMessage());
        }
    }
}
