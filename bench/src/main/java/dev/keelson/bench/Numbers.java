package dev.keelson.bench;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/** Number formatting shared by the table, the targets and the JSON report. */
final class Numbers {
    private static final MathContext JSON_PRECISION = new MathContext(6);

    private Numbers() {
    }

    /**
     * About three significant digits, never in scientific notation, always with a dot: a median of
     * noisy samples has no more precision than that, and more digits only make tables harder to read.
     */
    static String format(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return String.valueOf(v);
        }
        double a = Math.abs(v);
        String pattern = a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : a >= 0.01 ? "%.3f" : "%.4f";
        return String.format(Locale.ROOT, pattern, v);
    }

    /** Six significant digits for machine-readable output, so JSON does not pretend to 17. */
    static double forJson(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return v;
        }
        return new BigDecimal(v).round(JSON_PRECISION).doubleValue();
    }
}
