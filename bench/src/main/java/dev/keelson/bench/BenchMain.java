package dev.keelson.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * Runs one area without the {@code keelson} CLI (for developing the benchmarks):
 * {@code BenchMain AREA [--quick] [--json FILE] [--chart]}. Exit status 0 on success, 2 on bad
 * arguments, 1 when the run fails.
 */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        String area = null;
        boolean quick = false;
        boolean chart = false;
        Path json = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--chart" -> chart = true;
                case "--json" -> {
                    if (++i == args.length) {
                        return usage(err, "--json needs a file name");
                    }
                    json = Path.of(args[i]);
                }
                default -> {
                    if (args[i].startsWith("-") || area != null) {
                        return usage(err, "unexpected argument: " + args[i]);
                    }
                    area = args[i];
                }
            }
        }
        if (area == null) {
            return usage(err, "which area?");
        }
        String name = area;
        BenchArea a = BenchAreas.find(name).orElse(null);
        if (a == null) {
            return usage(err, "no benchmark area \"" + name + "\"");
        }
        try {
            BenchReport report = a.run(new BenchOptions(quick, json, chart), err);
            report.printTable(out);
            if (json != null) {
                report.writeJson(json);
                out.println("wrote " + json);
            }
            if (chart) {
                Path png = chartPath(json, a.name());
                report.writeChart(png);
                out.println("wrote " + png);
            }
            return 0;
        } catch (Exception e) {
            // Start on a fresh line: a progress line may be half written.
            err.println();
            err.println("keelson bench " + a.name() + ": " + e.getMessage());
            return 1;
        }
    }

    /** Next to the JSON file when there is one (same name, .png), else {@code keelson-bench-AREA.png} here. */
    static Path chartPath(Path json, String area) {
        if (json == null) {
            return Path.of("keelson-bench-" + area + ".png");
        }
        String f = json.getFileName().toString();
        String base = f.endsWith(".json") ? f.substring(0, f.length() - 5) : f;
        return json.resolveSibling(base + ".png");
    }

    private static int usage(PrintStream err, String problem) {
        err.println("keelson bench: " + problem);
        err.println("usage: BenchMain AREA [--quick] [--json FILE] [--chart]; areas: "
                + BenchAreas.all().stream().map(BenchArea::name).collect(Collectors.joining(", ")));
        return 2;
    }
}
