package dev.keelson.cli;

import dev.keelson.cli.proxy.ManifestSources;
import dev.keelson.cli.proxy.ProxyState;
import dev.keelson.cli.proxy.StateStore;
import dev.keelson.netns.addr.InetAddresses;
import dev.keelson.proxy.compile.Compiler;
import dev.keelson.proxy.compile.NodeConfig;
import dev.keelson.proxy.model.Protocol;
import dev.keelson.proxy.model.Snapshot;
import dev.keelson.proxy.trace.Packet;
import dev.keelson.proxy.trace.Trace;
import dev.keelson.proxy.trace.Tracer;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code keelson proxy trace SRC DST:PORT}: which rules a new connection passes and where it ends up. */
@Command(name = "trace", mixinStandardHelpOptions = true,
        description = "Show the rule path of a connection's first packet and its outcome, from the applied state "
                + "or from manifests given with -f.")
final class ProxyTrace implements Callable<Integer> {
    @ParentCommand
    ProxyCommand parent;
    @Spec
    CommandSpec spec;
    @Parameters(index = "0", paramLabel = "SRC", description = "Client address.")
    String source;
    @Parameters(index = "1", paramLabel = "DST:PORT", description = "Destination address and port ([v6]:port for IPv6).")
    String destination;
    @Option(names = "--proto", paramLabel = "PROTO", defaultValue = "tcp", description = "tcp, udp or sctp (default: ${DEFAULT-VALUE}).")
    String proto;
    @Option(names = "--from-node", description = "The node itself sends the packet (output hook), not a pod or a remote client.")
    boolean fromNode;
    @Option(names = {"-f", "--filename"}, paramLabel = "FILE|DIR|-", description = "Trace against these manifests "
            + "instead of the applied state (repeatable).")
    List<String> files;
    @Mixin
    ProxyCommand.NodeOptions nodeOptions = new ProxyCommand.NodeOptions();

    @Override
    public Integer call() {
        InetAddress src = ProxyCommand.address(source);
        ProxyCommand.Target dst = ProxyCommand.Target.parse(destination);
        Protocol protocol;
        try {
            protocol = Protocol.valueOf(proto.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new Main.UsageError("--proto: \"" + proto + "\" is not tcp, udp or sctp");
        }
        if ((src instanceof java.net.Inet6Address) != (dst.address() instanceof java.net.Inet6Address)) {
            throw new Main.UsageError("source and destination are of different address families");
        }
        StateStore.Loaded loaded = parent.store().load();
        ProxyState prev = loaded.state();
        Snapshot snap;
        if (files != null) {
            snap = ManifestSources.read(files, System.in).parse();
        } else if (prev != null) {
            snap = prev.sources().parse();
        } else {
            throw new IllegalStateException(loaded.problem() != null ? loaded.problem()
                    : "nothing applied in this network namespace; give manifests with -f");
        }
        NodeConfig node = nodeOptions.resolve(prev);
        Trace t = new Tracer(Compiler.compile(snap, node)).trace(new Packet(src, dst.address(), protocol, dst.port(), fromNode));
        print(spec.commandLine().getOut(), src, dst, protocol, t);
        return 0;
    }

    private void print(PrintWriter out, InetAddress src, ProxyCommand.Target dst, Protocol p, Trace t) {
        String d = InetAddresses.format(dst.address());
        out.printf("%s %s → %s:%d%s%n", p.lower(), InetAddresses.format(src),
                dst.address() instanceof java.net.Inet6Address ? "[" + d + "]" : d, dst.port(),
                fromNode ? " (from the node)" : "");
        out.println("path:    " + String.join(" → ", t.path()));
        String verdict = switch (t.verdict()) {
            case DNAT -> "DNAT to " + (t.endpoints().size() == 1 ? t.endpoints().getFirst()
                    : "one of " + t.endpoints().stream().map(Object::toString).collect(Collectors.joining(", ")));
            case REJECT -> "REJECT (the service has no endpoints)";
            case DROP -> "DROP";
            case ACCEPT -> "ACCEPT (not a service address: untouched)";
        };
        out.println("verdict: " + verdict);
        if (t.verdict() == Trace.Verdict.DNAT) {
            out.println("source:  " + (t.hairpin() ? "masqueraded (hairpin: the client may reach itself)"
                    : t.masquerade() ? "masqueraded" : "kept"));
        }
        out.flush();
    }
}
