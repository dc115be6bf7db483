package dev.keelson.node;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Kubernetes resource quantities ({@code 100m}, {@code 1.5}, {@code 128Mi}, {@code 1G}, {@code 2e3})
 * as numbers: CPU in millicores, everything else in base units, rounded up as the API does.
 */
public final class Quantities {
    private Quantities() {}

    /** The quantity as a decimal number of base units. */
    public static BigDecimal parse(String q) {
        String s = q.strip();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty quantity");
        }
        // "2e3" ends in a digit, so only a trailing unit is stripped here
        int end = s.length();
        while (end > 0 && Character.isLetter(s.charAt(end - 1))) {
            end--;
        }
        String suffix = s.substring(end);
        BigDecimal number;
        try {
            number = new BigDecimal(s.substring(0, end));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("quantity \"" + q + "\" is not a number with a unit suffix", e);
        }
        BigDecimal factor = switch (suffix) {
            case "" -> BigDecimal.ONE;
            case "n" -> new BigDecimal("1e-9");
            case "u" -> new BigDecimal("1e-6");
            case "m" -> new BigDecimal("1e-3");
            case "k" -> new BigDecimal("1e3");
            case "M" -> new BigDecimal("1e6");
            case "G" -> new BigDecimal("1e9");
            case "T" -> new BigDecimal("1e12");
            case "P" -> new BigDecimal("1e15");
            case "E" -> new BigDecimal("1e18");
            case "Ki" -> BigDecimal.valueOf(1L << 10);
            case "Mi" -> BigDecimal.valueOf(1L << 20);
            case "Gi" -> BigDecimal.valueOf(1L << 30);
            case "Ti" -> BigDecimal.valueOf(1L << 40);
            case "Pi" -> BigDecimal.valueOf(1L << 50);
            case "Ei" -> BigDecimal.valueOf(1L << 60);
            default -> throw new IllegalArgumentException("quantity \"" + q + "\" has an unknown suffix \"" + suffix + "\"");
        };
        return number.multiply(factor);
    }

    /** CPU in millicores, rounded up ({@code 0.1} and {@code 100m} are 100). */
    public static long milliCpu(String q) {
        return parse(q).movePointRight(3).setScale(0, RoundingMode.CEILING).longValueExact();
    }

    /** Bytes (or any integral unit), rounded up. */
    public static long value(String q) {
        return parse(q).setScale(0, RoundingMode.CEILING).longValueExact();
    }
}
