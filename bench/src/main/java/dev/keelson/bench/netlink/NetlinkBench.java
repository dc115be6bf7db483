package dev.keelson.bench.netlink;

import dev.keelson.bench.BenchArea;
import dev.keelson.bench.BenchOptions;
import dev.keelson.bench.BenchReport;
import dev.keelson.bench.Figure;
import dev.keelson.bench.jmh.LinkDumpBenchmark;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * {@code keelson bench netlink}: JMH micro-benchmarks of netlink message encoding and decoding
 * ({@link LinkDumpBenchmark}, a 10,000-link dump), run in-process with one forked JVM. There is no
 * peer measured here; the figures are Keelson's own, with allocation per decoded dump from JMH's GC
 * profiler.
 *
 * <p>The fork gets an explicit JVM argument list: by default JMH would copy this JVM's arguments,
 * and those of the {@code keelson} launcher (an AOT cache made for another class path, say) need
 * not suit a JMH fork. Its class path is this JVM's {@code java.class.path}; under
 * {@code java -jar keelson.jar} that is the one jar, whose manifest {@code Class-Path} brings the
 * rest.
 */
public final class NetlinkBench implements BenchArea {
    static final String ENCODE = "encode 10k-link dump";
    static final String DECODE = "decode 10k-link dump";
    static final String DECODE_ALLOC = "decode alloc";
    static final String ENCODE_ALLOC = "encode alloc";
    private static final String ALLOC_NORM = "gc.alloc.rate.norm";

    @Override
    public String name() {
        return "netlink";
    }

    @Override
    public String description() {
        return "links, addresses, routes (single, 10,000, dump) vs ip; netlink encode/decode of a 10,000-link dump (JMH)";
    }

    @Override
    public BenchReport run(BenchOptions options, PrintStream progress) throws Exception {
        boolean quick = options.quick();
        java.nio.file.Path ip = dev.keelson.bench.BenchPrograms.tool("ip").orElseThrow(() -> new IllegalStateException(
                "`ip` (iproute2) is needed as the peer of the netlink benchmark: apt-get install iproute2"));
        RtnlOps.Result ops = new RtnlOps(quick, ip, progress).run();
        ChainedOptionsBuilder b = new OptionsBuilder()
                .include("^" + LinkDumpBenchmark.class.getName().replace(".", "\\.") + "\\.")
                .forks(1)
                // JMH 1.37 reads fields through sun.misc.Unsafe, which JDK 24+ warns about.
                .jvmArgs("-Xms512m", "-Xmx512m", "--sun-misc-unsafe-memory-access=allow")
                .jvmArgsAppend("--enable-native-access=ALL-UNNAMED")
                .warmupIterations(quick ? 3 : 5)
                .warmupTime(TimeValue.seconds(quick ? 1 : 2))
                .measurementIterations(quick ? 5 : 10)
                .measurementTime(TimeValue.seconds(quick ? 1 : 2))
                .addProfiler(GCProfiler.class)
                .shouldFailOnError(true);
        progress.println("netlink: running JMH (" + (quick ? "quick: 3×1 s warm-up, 5×1 s measured" : "5×2 s warm-up, 10×2 s measured")
                + ", 1 fork per benchmark)");
        Runner runner = new Runner(b.build(), new JmhProgress(progress, name()));
        Collection<RunResult> results = runner.run();
        BenchReport jmh = report(results);
        List<Figure> figures = new ArrayList<>(ops.figures());
        figures.addAll(jmh.figures());
        List<String> notes = new ArrayList<>(ops.notes());
        notes.addAll(jmh.notes());
        return new BenchReport(name(), figures, ops.targets(), notes);
    }

    static BenchReport report(Collection<RunResult> results) {
        Double encode = null;
        Double decode = null;
        Double encodeAlloc = null;
        Double decodeAlloc = null;
        for (RunResult r : results) {
            String method = r.getParams().getBenchmark();
            method = method.substring(method.lastIndexOf('.') + 1);
            // Sample-time mode keeps every sampled dump: its 50th percentile is the median dump.
            double median = r.getPrimaryResult().getStatistics().getPercentile(50);
            Result<?> alloc = r.getSecondaryResults().get(ALLOC_NORM);
            Double bytes = alloc == null ? null : alloc.getScore();
            switch (method) {
                case "encode" -> {
                    encode = median;
                    encodeAlloc = bytes;
                }
                case "decode" -> {
                    decode = median;
                    decodeAlloc = bytes;
                }
                default -> {
                }
            }
        }
        if (encode == null || decode == null) {
            throw new IllegalStateException("JMH returned no result for " + (encode == null ? "encode" : "decode")
                    + " (is META-INF/BenchmarkList in the keelson-bench jar?)");
        }
        List<Figure> figures = new ArrayList<>(List.of(Figure.alone(ENCODE, encode, "µs"), Figure.alone(DECODE, decode, "µs")));
        List<String> notes = new ArrayList<>();
        if (decodeAlloc != null) {
            figures.add(Figure.alone(DECODE_ALLOC, decodeAlloc, "B/op"));
        }
        if (encodeAlloc != null) {
            figures.add(Figure.alone(ENCODE_ALLOC, encodeAlloc, "B/op"));
        }
        if (decodeAlloc == null || encodeAlloc == null) {
            notes.add("JMH's GC profiler gave no allocation figure on this JVM");
        }
        notes.add("one op = one whole dump of 10,000 links; the decoder keeps 10 names as Strings (every 1000th)");
        return new BenchReport("netlink", figures, List.of(), notes);
    }
}
