package dev.keelson.control.scheduler.plugins;

import dev.keelson.control.scheduler.Plugin;

/** Score normalisation shared by plugins. */
final class Scores {
    private Scores() {}

    /**
     * Scales scores so the highest becomes {@link Plugin.Score#MAX_SCORE}; with {@code reverse}, the
     * lowest raw score becomes the best (all equal → all best).
     */
    static void normalize(long[] scores, boolean reverse) {
        long max = 0;
        for (long s : scores) {
            max = Math.max(max, s);
        }
        for (int i = 0; i < scores.length; i++) {
            if (max == 0) {
                scores[i] = reverse ? Plugin.Score.MAX_SCORE : 0;
            } else {
                long v = Plugin.Score.MAX_SCORE * scores[i] / max;
                scores[i] = reverse ? Plugin.Score.MAX_SCORE - v : v;
            }
        }
    }

    /** Min-max scaling into 0..MAX_SCORE (for scores that may be negative). */
    static void minMax(long[] scores) {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (long s : scores) {
            min = Math.min(min, s);
            max = Math.max(max, s);
        }
        for (int i = 0; i < scores.length; i++) {
            scores[i] = max == min ? 0 : Plugin.Score.MAX_SCORE * (scores[i] - min) / (max - min);
        }
    }
}
