package dev.keelson.cli;

import dev.keelson.bench.BenchArea;
import dev.keelson.bench.BenchAreas;
import dev.keelson.bench.BenchOptions;
import dev.keelson.bench.BenchReport;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code keelson bench AREA [--quick] [--json FILE] [--chart]}: runs one benchmark area side by side
 * with its peer and prints a table of medians and ratios (see DESIGN.md, "Benchmarks").
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Run a benchmark area side by side with its peer and print medians and ratios.")
final class BenchCommand implements Callable<Integer> {
    @Parameters(paramLabel = "AREA", arity = "0..1", description = "The area to run; omit to list the areas.")
    String area;

    @Option(names = "--quick", description = "A short run (about a minute) with smaller sizes.")
    boolean quick;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the figures as JSON to FILE.")
    Path json;

    @Option(names = "--chart", description = "Also write a PNG chart next to the JSON file (needs --json).")
    boolean chart;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (area == null) {
            out.println("Benchmark areas:");
            for (BenchArea a : BenchAreas.all()) {
                out.printf("  %-10s %s%n", a.name(), a.description());
            }
            out.flush();
            return 0;
        }
        if (chart && json == null) {
            throw new Main.UsageError("--chart writes the PNG next to the JSON file; give --json FILE too");
        }
        BenchArea a = BenchAreas.find(area).orElseThrow(() -> new Main.UsageError("unknown benchmark area \"" + area
                + "\"; the areas are: " + BenchAreas.all().stream().map(BenchArea::name).collect(Collectors.joining(", "))));
        BenchReport report = a.run(new BenchOptions(quick, json, chart), progressStream());
        PrintStream table = new PrintStream(new WriterStream(out), true);
        report.printTable(table);
        table.flush();
        if (json != null) {
            report.writeJson(json);
            out.println("figures written to " + json);
            if (chart) {
                Path png = pngNextTo(json);
                report.writeChart(png);
                out.println("chart written to " + png);
            }
        }
        out.flush();
        return 0;
    }

    static Path pngNextTo(Path json) {
        String name = json.getFileName().toString();
        String base = name.endsWith(".json") ? name.substring(0, name.length() - 5) : name;
        return json.resolveSibling(base + ".png");
    }

    private PrintStream progressStream() {
        return new PrintStream(new WriterStream(spec.commandLine().getErr()), true);
    }

    /** Adapts picocli's writers to the PrintStreams the bench API takes. */
    private static final class WriterStream extends java.io.OutputStream {
        private final PrintWriter w;

        WriterStream(PrintWriter w) {
            this.w = w;
        }

        @Override
        public void write(int b) {
            w.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            w.write(new String(b, off, len, java.nio.charset.StandardCharsets.UTF_8));
        }

        @Override
        public void flush() {
            w.flush();
        }
    }
}
