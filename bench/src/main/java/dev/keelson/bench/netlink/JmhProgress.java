package dev.keelson.bench.netlink;

import dev.keelson.bench.Progress;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Collection;
import java.util.Locale;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.IterationType;
import org.openjdk.jmh.runner.format.OutputFormat;

/**
 * JMH output reduced to one updating line per benchmark ({@code netlink: encode  measure 3/5:
 * 431 µs/op}), instead of JMH's full text report: the area prints its own table of medians. JMH's
 * own header lines ({@code # Run progress…}) and blank lines are dropped; everything else it says
 * (warnings, a failing fork's stack trace, the fork's own output) goes through unchanged, so nothing
 * that explains a failure is lost.
 */
final class JmhProgress implements OutputFormat {
    private final PrintStream out;
    private final Progress line;
    private final String area;
    private String current = "";

    JmhProgress(PrintStream out, String area) {
        this.out = out;
        this.line = Progress.on(out);
        this.area = area;
    }

    @Override
    public void startRun() {
    }

    @Override
    public void startBenchmark(BenchmarkParams params) {
        String b = params.getBenchmark();
        current = b.substring(b.lastIndexOf('.') + 1);
        out.println(area + ": " + current + " (" + params.getForks() + " fork, " + params.getWarmup().getCount()
                + " warm-up + " + params.getMeasurement().getCount() + " measured iterations)");
    }

    @Override
    public void iteration(BenchmarkParams params, IterationParams iteration, int index) {
    }

    @Override
    public void iterationResult(BenchmarkParams params, IterationParams iteration, int index, IterationResult result) {
        String phase = iteration.getType() == IterationType.WARMUP ? "warm-up" : "measure";
        Result<?> r = result.getPrimaryResult();
        line.update(area + ": " + current + "  " + phase + " " + index + "/" + iteration.getCount() + ": "
                + String.format(Locale.ROOT, "%.1f", r.getScore()) + " " + r.getScoreUnit() + " (mean)");
    }

    @Override
    public void endBenchmark(BenchmarkResult result) {
        line.end();
    }

    @Override
    public void endRun(Collection<RunResult> result) {
    }

    @Override
    public void print(String s) {
        out.print(s);
    }

    @Override
    public void println(String s) {
        if (!s.isBlank() && !s.startsWith("# ")) {
            out.println(s);
        }
    }

    @Override
    public void verbosePrintln(String s) {
    }

    @Override
    public void flush() {
        out.flush();
    }

    @Override
    public void close() {
        out.flush();
    }

    @Override
    public void write(int b) {
        out.write(b);
    }

    @Override
    public void write(byte[] b) throws IOException {
        out.write(b);
    }
}
