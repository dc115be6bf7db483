package dev.keelson.cli;

import dev.keelson.linux.AlreadyExistsException;
import dev.keelson.linux.ErrnoException;
import dev.keelson.netns.InvalidNameException;
import dev.keelson.netns.NetnsDirectory;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code keelson netns add|delete|list|exec}: the {@code ip netns} verbs, with iproute2's messages
 * and exit codes, on the same {@code /run/netns} pins (so both tools see each other's work).
 */
@Command(name = "netns", description = "Manage network namespaces (compatible with 'ip netns').",
        mixinStandardHelpOptions = true,
        subcommands = {NetnsCommand.Add.class, NetnsCommand.Delete.class, NetnsCommand.ListNs.class, NetnsCommand.Exec.class})
final class NetnsCommand implements Callable<Integer> {
    @Option(names = "--root", paramLabel = "DIR", defaultValue = "/run/netns",
            description = "Directory of namespace pins (default: ${DEFAULT-VALUE}, as ip netns).")
    Path root;

    @Spec
    CommandSpec spec;

    /** With no verb, list — as {@code ip netns} does. */
    @Override
    public Integer call() {
        return ListNs.print(dir(), spec.commandLine().getOut());
    }

    NetnsDirectory dir() {
        return NetnsDirectory.of(root);
    }

    static String invalid(InvalidNameException e) {
        String why = e.getMessage().substring(e.getMessage().indexOf("\": ") + 3);
        return "Invalid netns name \"" + e.name() + "\": " + why;
    }

    static String text(ErrnoException e) {
        return dev.keelson.linux.Errno.description(e.errno());
    }

    @Command(name = "add", description = "Create a network namespace and pin it at DIR/NAME.", mixinStandardHelpOptions = true)
    static final class Add implements Callable<Integer> {
        @ParentCommand
        NetnsCommand parent;
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            PrintWriter err = parent.spec.commandLine().getErr();
            NetnsDirectory dir = parent.dir();
            try {
                dir.create(name).close(); // the pin keeps it; this command holds no handle
                return 0;
            } catch (InvalidNameException e) {
                err.println(invalid(e));
                return Main.USAGE;
            } catch (AlreadyExistsException e) {
                err.println("Cannot create namespace file \"" + dir.root().resolve(name) + "\": " + text(e));
                return Main.FAILED;
            }
        }
    }

    @Command(name = "delete", aliases = "del", description = "Unpin network namespaces (each NAME in turn).",
            mixinStandardHelpOptions = true)
    static final class Delete implements Callable<Integer> {
        @ParentCommand
        NetnsCommand parent;
        @Option(names = {"-a", "--all"}, description = "Delete every namespace in the directory.")
        boolean all;
        @Parameters(paramLabel = "NAME", arity = "0..*")
        List<String> names = new ArrayList<>();

        @Override
        public Integer call() {
            PrintWriter err = parent.spec.commandLine().getErr();
            NetnsDirectory dir = parent.dir();
            List<String> targets = all ? dir.list() : names;
            if (!all && names.isEmpty()) {
                throw new Main.UsageError("netns delete: no namespace name given (or use --all)");
            }
            int rc = 0;
            for (String n : targets) {
                try {
                    if (!dir.delete(n)) {
                        err.println("Cannot remove namespace file \"" + dir.root().resolve(n) + "\": No such file or directory");
                        rc = Main.FAILED;
                    }
                } catch (InvalidNameException e) {
                    err.println(invalid(e));
                    rc = Main.USAGE;
                }
            }
            return rc;
        }
    }

    @Command(name = "list", aliases = "show", description = "List pinned network namespaces.", mixinStandardHelpOptions = true)
    static final class ListNs implements Callable<Integer> {
        @ParentCommand
        NetnsCommand parent;

        @Override
        public Integer call() {
            return print(parent.dir(), parent.spec.commandLine().getOut());
        }

        static int print(NetnsDirectory dir, PrintWriter out) {
            for (Map.Entry<String, OptionalInt> e : dir.listWithIds().entrySet()) {
                OptionalInt id = e.getValue();
                out.println(id.isPresent() ? e.getKey() + " (id: " + id.getAsInt() + ")" : e.getKey());
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "exec", description = "Run CMD inside namespace NAME: 'keelson netns exec NAME -- CMD [ARG...]'.",
            mixinStandardHelpOptions = true)
    static final class Exec implements Callable<Integer> {
        @ParentCommand
        NetnsCommand parent;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Parameters(index = "1..*", paramLabel = "CMD", arity = "0..*")
        List<String> command = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            PrintWriter err = parent.spec.commandLine().getErr();
            NetnsDirectory dir = parent.dir();
            Path pin;
            try {
                pin = dir.pathOf(name);
            } catch (InvalidNameException e) {
                err.println(invalid(e));
                return Main.USAGE;
            }
            if (command.isEmpty()) {
                err.println("No command specified");
                return Main.FAILED;
            }
            List<String> argv = new ArrayList<>();
            argv.add(Libexec.program("keelson-nsexec").toString());
            argv.add(pin.toString());
            argv.add(name);
            argv.addAll(command);
            err.flush();
            parent.spec.commandLine().getOut().flush();
            return new ProcessBuilder(argv).inheritIO().start().waitFor();
        }
    }
}
