package dev.keelson.cli;

import dev.keelson.cli.up.ClusterLayout;
import dev.keelson.cli.up.NodeTeardown;
import dev.keelson.cli.up.UpRecord;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code keelson down}: stops the cluster {@code keelson up} runs (SIGTERM to it; it removes its
 * pods, namespace and cgroups itself) or, when that process died, cleans up after it from the
 * record in the run directory: the pods are removed by a process inside the node's namespace (a CNI
 * DEL must run where the pod's veth is), then the pins, cgroups and record go.
 */
@Command(name = "down", mixinStandardHelpOptions = true,
        description = "Stop a cluster started by 'keelson up' and remove every namespace, link, mount and cgroup it made.")
final class DownCommand implements Callable<Integer> {
    private static final long WAIT_MILLIS = 150_000;

    @Mixin
    UpCommand.ClusterOptions cluster;

    @Option(names = "--node-process", hidden = true, description = "Internal: remove the pods, from inside the node netns.")
    boolean nodeProcess;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        ClusterLayout asked = cluster.layout();
        Path libexec = Libexec.program("keelson-pause").getParent();
        if (nodeProcess) {
            NodeProcess.quietNetty();
            NodeTeardown.afterCrash(asked, libexec, line -> out.println("keelson down: " + line));
            return 0;
        }
        Optional<UpRecord> found = UpRecord.read(asked.recordFile());
        if (found.isEmpty()) {
            out.println("keelson down: cluster \"" + asked.cluster() + "\" is not up (no " + asked.recordFile() + ")");
            return 0;
        }
        UpRecord r = found.get();
        ClusterLayout layout = asked.withDataDir(Path.of(r.dataDir())).withPort(r.port()).withNodes(r.nodes());
        if (r.supervisorAlive()) {
            out.println("keelson down: stopping cluster \"" + r.cluster() + "\" (pid " + r.supervisorPid() + ")");
            out.flush();
            ProcessHandle h = ProcessHandle.of(r.supervisorPid()).orElseThrow();
            h.destroy();
            h.onExit().get(WAIT_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
            if (UpRecord.read(layout.recordFile()).isEmpty()) {
                out.println("keelson down: cluster \"" + r.cluster() + "\" stopped and cleaned up");
                return 0;
            }
            out.println("keelson down: the cluster process left its record behind; cleaning up after it");
        } else {
            out.println("keelson down: cluster \"" + r.cluster() + "\" is not running (pid " + r.supervisorPid()
                    + " is gone); cleaning up after it");
        }
        // node processes that outlived their supervisor get SIGTERM and remove their own pods
        for (ProcessHandle node : r.liveNodeProcesses()) {
            out.println("keelson down: stopping node process " + node.pid());
            out.flush();
            node.destroy();
            try {
                node.onExit().get(WAIT_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                node.destroyForcibly();
            }
        }
        out.flush();
        return dev.keelson.cli.up.CrashCleanup.run(layout, r, out);
    }
}
