package dev.keelson.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The result of one benchmark area: its figures (medians, each with the peer measured in the same
 * run), the targets checked against them, and notes (e.g. why a peer is missing). Immutable.
 *
 * <p>The JSON form is the one DESIGN.md fixes for every area:
 * <pre>{@code
 * {"area": "netns",
 *  "figures": {"create": {"keelson": 0.51, "peer": 0.48, "peerName": "kernel floor (C)",
 *                         "unit": "ms", "ratio": 1.06}, ...}}
 * }</pre>
 * where {@code peer}, {@code peerName} and {@code ratio} are null for a figure without a peer.
 */
public final class BenchReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final String area;
    private final List<Figure> figures;
    private final List<Target> targets;
    private final List<String> notes;

    /** A report without targets or notes. */
    public BenchReport(String area, List<Figure> figures) {
        this(area, figures, List.of(), List.of());
    }

    /** Figure names must be unique: they are the keys of the JSON report. */
    public BenchReport(String area, List<Figure> figures, List<Target> targets, List<String> notes) {
        this.area = Objects.requireNonNull(area, "area");
        this.figures = List.copyOf(figures);
        this.targets = List.copyOf(targets);
        this.notes = List.copyOf(notes);
        Set<String> names = new HashSet<>();
        for (Figure f : this.figures) {
            if (!names.add(f.name())) {
                throw new IllegalArgumentException("figure \"" + f.name() + "\" appears twice in the " + area + " report");
            }
        }
    }

    /** The area's name, e.g. {@code "netns"}. */
    public String area() {
        return area;
    }

    /** The figures, in the order they are shown. */
    public List<Figure> figures() {
        return figures;
    }

    /** The performance targets checked in this run. */
    public List<Target> targets() {
        return targets;
    }

    /** Remarks printed under the table (a missing peer, a skipped measurement). */
    public List<String> notes() {
        return notes;
    }

    /** The figure called {@code name}. */
    public Optional<Figure> figure(String name) {
        return figures.stream().filter(f -> f.name().equals(name)).findFirst();
    }

    /** Prints the table of medians, then the targets and notes. */
    public void printTable(PrintStream out) {
        out.print(ReportTable.render(this));
        out.flush();
    }

    /** Writes the report as JSON (see the class comment), creating parent directories as needed. */
    public void writeJson(Path file) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("area", area);
        ObjectNode all = root.putObject("figures");
        for (Figure f : figures) {
            ObjectNode o = all.putObject(f.name());
            o.put("keelson", Numbers.forJson(f.keelson()));
            if (f.peer() == null) {
                o.putNull("peer");
            } else {
                o.put("peer", Numbers.forJson(f.peer()));
            }
            o.put("peerName", f.peer() == null ? null : f.peerName());
            o.put("unit", f.unit());
            Double r = f.ratio();
            if (r == null) {
                o.putNull("ratio");
            } else {
                o.put("ratio", Numbers.forJson(r));
            }
        }
        createParent(file);
        Files.writeString(file, JSON.writeValueAsString(root) + System.lineSeparator());
    }

    /** Draws a horizontal bar chart, Keelson against the peer for each figure, as a PNG. */
    public void writeChart(Path png) throws IOException {
        createParent(png);
        BarChart.write(this, png);
    }

    private static void createParent(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
    }

    @Override
    public String toString() {
        return "BenchReport[" + area + ", " + figures.size() + " figures]";
    }
}
