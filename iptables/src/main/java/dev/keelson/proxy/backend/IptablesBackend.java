package dev.keelson.proxy.backend;

import dev.keelson.proxy.compile.CompiledState;
import dev.keelson.proxy.compile.Family;
import dev.keelson.proxy.compile.StateDiff;
import dev.keelson.proxy.ipt.IptablesRenderer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Programs kube-proxy's chain layout with {@code iptables-restore}, one process per family and
 * sync (the tool is the kernel interface here, as for kube-proxy).
 *
 * <p>A full sync reads {@code iptables-save} once and restores <em>without</em> {@code --noflush}:
 * the tool empties {@code filter} and {@code nat} inside the same COMMIT, and the input carries
 * over everything in them that is not ours (see {@link RestoreInput#replace}). This is linear where
 * {@code iptables-nft-restore --noflush} is not: declaring the 60,000 chains of 10,000 services
 * under {@code --noflush} costs iptables-nft 1.8.9 42 s of user time, against 0.03 s flushing.
 * The price is a window between the save and the restore in which a rule another program adds to
 * those two tables would be lost; incremental syncs do not have it.
 *
 * {@link #flush()} uses the same flushing form, with only the foreign content.
 *
 * <p>An incremental sync sends only {@link IptablesRenderer#partial} with {@code --noflush}, so the
 * text sent does not grow with the number of services. The tools still read the table, and the
 * kernel does work proportional to the table's size (see the module README).
 *
 * <p>Atomicity: each table section ({@code *filter}, {@code *nat}) is one COMMIT; a refused input
 * changes nothing in the table that failed. If {@code nat} fails after {@code filter} committed,
 * the rule set is half-updated — {@link #needsFullSync()} is then set, and the next full sync
 * repairs both.
 */
public final class IptablesBackend implements RuleBackend {
    private static final long TIMEOUT_SECONDS = 300;

    private final IptablesMode mode;
    private final List<Family> families;
    private boolean needsFull = true;

    /** A backend for {@code families} (each gets its own restore), using the {@code mode} variant of the tools. */
    public IptablesBackend(IptablesMode mode, List<Family> families) {
        this.mode = mode;
        this.families = List.copyOf(families);
    }

    @Override
    public String name() {
        return mode.label();
    }

    /** The tool variant used. */
    public IptablesMode mode() {
        return mode;
    }

    @Override
    public Applied full(CompiledState state) {
        long t0 = System.nanoTime();
        StringBuilder sent = new StringBuilder();
        needsFull = true;
        for (Family f : families) {
            RestoreInput.Existing existing = RestoreInput.parse(save(f));
            String input = RestoreInput.replace(IptablesRenderer.full(state, f), existing);
            restore(f, input, false, "full sync");
            sent.append(input);
        }
        needsFull = false;
        return new Applied("full", sent.toString(), System.nanoTime() - t0);
    }

    @Override
    public Applied incremental(StateDiff diff, CompiledState after) {
        if (needsFull) {
            throw new IllegalStateException(name() + " backend needs a full sync first");
        }
        long t0 = System.nanoTime();
        StringBuilder sent = new StringBuilder();
        for (Family f : families) {
            String input = IptablesRenderer.partial(diff, after, f);
            if (!input.isEmpty()) {
                try {
                    restore(f, input, true, "incremental sync");
                } catch (BackendException e) {
                    needsFull = true;
                    throw e;
                }
                sent.append(input);
            }
        }
        return new Applied("incremental", sent.toString(), System.nanoTime() - t0);
    }

    @Override
    public boolean needsFullSync() {
        return needsFull;
    }

    @Override
    public void flush() {
        needsFull = true;
        for (Family f : families) {
            String input = RestoreInput.removal(RestoreInput.parse(save(f)));
            if (!input.isEmpty()) {
                restore(f, input, false, "flush");
            }
        }
    }

    @Override
    public String show() {
        StringBuilder sb = new StringBuilder();
        for (Family f : families) {
            sb.append(save(f));
        }
        return sb.toString();
    }

    private String save(Family f) {
        Result r = exec(List.of(mode.save(f)), null);
        if (r.exit != 0) {
            throw new BackendException(mode.save(f) + " exited " + r.exit + ": " + r.err.strip());
        }
        return r.out;
    }

    private void restore(Family f, String input, boolean noflush, String what) {
        List<String> argv = noflush ? List.of(mode.restore(f), "--noflush", "--wait") : List.of(mode.restore(f), "--wait");
        Result r = exec(argv, input);
        if (r.exit != 0) {
            throw new BackendException(mode.restore(f) + " " + what + " refused (exit " + r.exit + "): " + r.err.strip());
        }
    }

    private record Result(int exit, String out, String err) {
    }

    private static Result exec(List<String> argv, String stdin) {
        try {
            Process p = new ProcessBuilder(argv).start();
            // Each pipe gets its own reader thread: a save of 30,000 services fills a pipe long before
            // it exits (the common pool has one thread on a 2-core machine, so it cannot be used).
            CompletableFuture<String> err = reader(p.getErrorStream());
            CompletableFuture<String> out = reader(p.getInputStream());
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new BackendException(argv.getFirst() + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            return new Result(p.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new BackendException("cannot run " + argv.getFirst() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendException(argv.getFirst() + " interrupted", e);
        }
    }

    private static CompletableFuture<String> reader(java.io.InputStream in) {
        CompletableFuture<String> f = new CompletableFuture<>();
        Thread.ofVirtual().name("iptables-pipe").start(() -> f.complete(read(in)));
        return f;
    }

    private static String read(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        // Nothing is held between syncs.
    }
}
