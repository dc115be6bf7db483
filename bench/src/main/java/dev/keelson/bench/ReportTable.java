package dev.keelson.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Renders a {@link BenchReport} as a plain-text table of medians:
 * <pre>
 * keelson bench netns: medians of this run (ratio = keelson / peer; below 1 is better)
 *
 * figure                  keelson   peer  peer name         ratio  unit
 * create                    0.512  0.480  kernel floor (C)  1.07×  ms
 * pool take                  3.10      -  -                     -  µs
 *
 * target  create ≤ 1.15× the C floor: 1.07×  met
 * note    ...
 * </pre>
 */
final class ReportTable {
    private static final String NONE = "-";
    private static final String[] HEADER = {"figure", "keelson", "peer", "peer name", "ratio", "unit"};
    /** Columns holding numbers are right-aligned so their digits line up. */
    private static final boolean[] RIGHT = {false, true, true, false, true, false};

    private ReportTable() {
    }

    static String render(BenchReport report) {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        for (Figure f : report.figures()) {
            Double r = f.ratio();
            rows.add(new String[] {
                f.name(),
                Numbers.format(f.keelson()),
                f.peer() == null ? NONE : Numbers.format(f.peer()),
                f.peer() == null || f.peerName() == null ? NONE : f.peerName(),
                r == null ? NONE : Numbers.format(r) + "×",
                f.unit()});
        }
        int[] width = new int[HEADER.length];
        for (String[] row : rows) {
            for (int c = 0; c < row.length; c++) {
                width[c] = Math.max(width[c], row[c].length());
            }
        }
        StringBuilder b = new StringBuilder();
        b.append("keelson bench ").append(report.area())
                .append(": medians of this run (ratio = keelson / peer; below 1 is better)\n\n");
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < row.length; c++) {
                if (c > 0) {
                    line.append("  ");
                }
                String pad = " ".repeat(width[c] - row[c].length());
                line.append(RIGHT[c] ? pad + row[c] : row[c] + pad);
            }
            b.append(line.toString().stripTrailing()).append('\n');
        }
        if (!report.targets().isEmpty() || !report.notes().isEmpty()) {
            b.append('\n');
        }
        for (Target t : report.targets()) {
            b.append("target  ").append(t.goal()).append(": ").append(t.measured())
                    .append(t.met() ? "  met" : "  NOT met").append('\n');
        }
        for (String n : report.notes()) {
            b.append("note    ").append(n).append('\n');
        }
        return b.toString();
    }
}
