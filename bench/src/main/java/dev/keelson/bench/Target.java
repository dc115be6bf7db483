package dev.keelson.bench;

/**
 * A performance target from DESIGN.md checked against a figure of the same run, e.g.
 * "create ≤ 1.15× the C floor".
 *
 * @param goal     the target as a sentence
 * @param measured what was measured against it, e.g. {@code "1.07×"}, or {@code "not measured"}
 * @param met      whether the measurement meets the target (false when not measured)
 */
public record Target(String goal, String measured, boolean met) {

    /** Met when {@code figure}'s ratio to its peer is at most {@code limit}. */
    public static Target ratioAtMost(Figure figure, double limit, String goal) {
        Double r = figure == null ? null : figure.ratio();
        if (r == null) {
            return new Target(goal, "not measured", false);
        }
        return new Target(goal, Numbers.format(r) + "×", r <= limit);
    }

    /** Met when {@code figure}'s own median is at most {@code limit} (in the figure's unit). */
    public static Target valueAtMost(Figure figure, double limit, String goal) {
        if (figure == null || Double.isNaN(figure.keelson())) {
            return new Target(goal, "not measured", false);
        }
        return new Target(goal, Numbers.format(figure.keelson()) + " " + figure.unit(), figure.keelson() <= limit);
    }
}
