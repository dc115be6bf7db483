package dev.keelson.cli;

import dev.keelson.cli.proxy.ServiceReport;
import dev.keelson.cli.proxy.StateStore;
import dev.keelson.proxy.backend.RuleBackend;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code keelson proxy show}: what is applied in this namespace. */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = "Show the applied services (frontends, endpoints, what happens to their traffic) and the last sync.")
final class ProxyShow implements Callable<Integer> {
    @ParentCommand
    ProxyCommand parent;
    @Spec
    CommandSpec spec;
    @Option(names = "--rules", description = "Also print the rules as the kernel lists them "
            + "(nft list table inet keelson, or iptables-save).")
    boolean rules;
    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        StateStore.Loaded loaded = parent.store().load();
        if (!loaded.present()) {
            spec.commandLine().getErr().println(loaded.problem() != null ? "keelson: " + loaded.problem()
                    : "No Keelson proxy rules applied in this network namespace (see 'keelson proxy apply').");
            return loaded.problem() != null ? Main.FAILED : 0;
        }
        ServiceReport report = new ServiceReport(loaded.state());
        String listing = null;
        if (rules) {
            try (RuleBackend b = loaded.state().backend().open()) {
                listing = b.show();
            }
        }
        if (json) {
            out.print(ServiceReport.pretty(report.json(listing)));
        } else {
            out.print(report.text());
            if (listing != null) {
                out.println();
                out.print(listing);
            }
        }
        out.flush();
        return 0;
    }
}
