package dev.keelson.cli;

import dev.keelson.cli.proxy.BackendKind;
import dev.keelson.cli.proxy.StateStore;
import dev.keelson.proxy.backend.RuleBackend;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code keelson proxy flush}: removes Keelson's rules and state; running it twice is harmless. */
@Command(name = "flush", mixinStandardHelpOptions = true,
        description = "Remove Keelson's table or KUBE- chains and the applied state from this network namespace.")
final class ProxyFlush implements Callable<Integer> {
    @ParentCommand
    ProxyCommand parent;
    @Spec
    CommandSpec spec;
    @Mixin
    ProxyCommand.BackendOption backendOption = new ProxyCommand.BackendOption();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        StateStore store = parent.store();
        StateStore.Loaded loaded = store.load();
        BackendKind kind = backendOption.resolve(loaded.state());
        try (RuleBackend b = kind.open()) {
            b.flush();
        }
        out.println(kind == BackendKind.NFT ? "flushed table " + BackendKind.NFT_TABLE
                : "flushed the KUBE- chains of " + kind.option());
        if (loaded.state() == null || loaded.state().backend() == kind) {
            if (store.delete()) {
                out.println("removed the state " + store.file());
            }
        }
        out.flush();
        return 0;
    }
}
