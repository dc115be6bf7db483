package dev.keelson.cli;

import dev.keelson.cli.proxy.Applier;
import dev.keelson.cli.proxy.BackendKind;
import dev.keelson.cli.proxy.ManifestSources;
import dev.keelson.cli.proxy.ProxyState;
import dev.keelson.cli.proxy.StateStore;
import dev.keelson.proxy.backend.BackendException;
import dev.keelson.proxy.compile.NodeConfig;
import dev.keelson.proxy.sync.SyncMetrics;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code keelson proxy apply -f FILE|DIR|-}: programs the manifests' services, incrementally when it can. */
@Command(name = "apply", mixinStandardHelpOptions = true,
        description = "Compile Service and EndpointSlice manifests and program them in this network namespace. "
                + "The applied state is kept, so the next apply sends only what changed.")
final class ProxyApply implements Callable<Integer> {
    @ParentCommand
    ProxyCommand parent;
    @Spec
    CommandSpec spec;
    @Option(names = {"-f", "--filename"}, paramLabel = "FILE|DIR|-", required = true,
            description = "Manifests: a YAML/JSON file, a directory of them, or - for standard input (repeatable).")
    List<String> files;
    @Mixin
    ProxyCommand.BackendOption backendOption = new ProxyCommand.BackendOption();
    @Mixin
    ProxyCommand.NodeOptions nodeOptions = new ProxyCommand.NodeOptions();
    @Option(names = "--dry-run", description = "Print the rule text that would be sent (nft or iptables-restore input) "
            + "and change nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        StateStore store = parent.store();
        StateStore.Loaded loaded = store.load();
        ProxyState prev = loaded.state();
        BackendKind kind = backendOption.resolve(prev);
        NodeConfig node = nodeOptions.resolve(prev);
        ManifestSources sources = ManifestSources.read(files, System.in);
        Applier applier = new Applier(store);
        if (dryRun) {
            Applier.Outcome o = applier.dryRun(sources, kind, node);
            out.print(o.text());
            out.flush();
            err.println("keelson proxy apply: dry run, " + describe(o) + "; nothing changed");
            return 0;
        }
        if (loaded.problem() != null) {
            err.println("keelson proxy apply: " + loaded.problem() + "; doing a full sync");
        }
        Applier.Outcome o;
        try {
            o = applier.apply(sources, kind, node);
        } catch (BackendException e) {
            err.println("keelson: " + e.getMessage());
            if (e.partlyApplied()) {
                err.println("keelson: the rules were changed in part; the next apply does a full sync");
            } else {
                err.println("keelson: the previous rules are intact"
                        + (prev != null ? " (as applied at " + prev.history().lastSync() + ")" : "") + "; the next apply does a full sync");
            }
            return Main.FAILED;
        }
        SyncMetrics m = o.metrics();
        out.printf("applied %d services (%d service ports, %d endpoints) with %s: %s%n", m.services(),
                m.servicePorts(), m.endpoints(), m.backend(), describe(o));
        if (m.conntrackDeleted() > 0) {
            out.printf("deleted %d stale UDP conntrack entries%n", m.conntrackDeleted());
        }
        if (m.lastError() != null) {
            err.println("keelson proxy apply: " + m.lastError());
        }
        if (o.replaced() != null) {
            out.println("removed the rules applied earlier by " + o.replaced().option());
        }
        return 0;
    }

    private static String describe(Applier.Outcome o) {
        return switch (o.kind()) {
            case "unchanged" -> "unchanged, nothing sent";
            case "full" -> String.format("full sync (%s), %d lines%s", o.whyFull(), o.lines(), millis(o));
            default -> String.format("%s sync, %d lines%s", o.kind(), o.lines(), millis(o));
        };
    }

    private static String millis(Applier.Outcome o) {
        return o.metrics() == null ? "" : String.format(" in %.1f ms", o.applyMillis());
    }
}
