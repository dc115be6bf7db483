package dev.keelson.control.model;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * A Kubernetes resource quantity ({@code 100m}, {@code 1.5}, {@code 128Mi}, {@code 1e3}, {@code 2G}):
 * a decimal number with an optional binary (Ki..Ei) or decimal (n, u, m, k, M, G, T, P, E) suffix or
 * exponent. Values are exact ({@link BigDecimal}); the integer views round up like Kubernetes'
 * {@code Value()} / {@code MilliValue()} so that a request of {@code 0.1m} still counts.
 */
public record Quantity(BigDecimal amount) implements Comparable<Quantity> {

    public static final Quantity ZERO = new Quantity(BigDecimal.ZERO);

    /** @throws IllegalArgumentException naming the text when it is not a quantity */
    public static Quantity parse(String text) {
        if (text == null || text.isEmpty()) {
            throw invalid(text);
        }
        int end = text.length();
        BigDecimal multiplier = BigDecimal.ONE;
        int exp = Math.max(text.indexOf('e'), text.indexOf('E'));
        String number;
        if (exp > 0) {
            number = text.substring(0, exp);
            try {
                multiplier = BigDecimal.ONE.scaleByPowerOfTen(Integer.parseInt(text.substring(exp + 1)));
            } catch (NumberFormatException e) {
                throw invalid(text);
            }
        } else {
            int suffixStart = end;
            while (suffixStart > 0 && Character.isLetter(text.charAt(suffixStart - 1))) {
                suffixStart--;
            }
            multiplier = suffix(text.substring(suffixStart), text);
            number = text.substring(0, suffixStart);
        }
        if (number.isEmpty() || number.equals("+") || number.equals("-") || number.endsWith(".")) {
            throw invalid(text);
        }
        try {
            return new Quantity(new BigDecimal(number).multiply(multiplier));
        } catch (NumberFormatException e) {
            throw invalid(text);
        }
    }

    private static BigDecimal suffix(String s, String text) {
        return switch (s) {
            case "" -> BigDecimal.ONE;
            case "n" -> BigDecimal.ONE.scaleByPowerOfTen(-9);
            case "u" -> BigDecimal.ONE.scaleByPowerOfTen(-6);
            case "m" -> BigDecimal.ONE.scaleByPowerOfTen(-3);
            case "k" -> BigDecimal.ONE.scaleByPowerOfTen(3);
            case "M" -> BigDecimal.ONE.scaleByPowerOfTen(6);
            case "G" -> BigDecimal.ONE.scaleByPowerOfTen(9);
            case "T" -> BigDecimal.ONE.scaleByPowerOfTen(12);
            case "P" -> BigDecimal.ONE.scaleByPowerOfTen(15);
            case "E" -> BigDecimal.ONE.scaleByPowerOfTen(18);
            case "Ki" -> BigDecimal.valueOf(1L << 10);
            case "Mi" -> BigDecimal.valueOf(1L << 20);
            case "Gi" -> BigDecimal.valueOf(1L << 30);
            case "Ti" -> BigDecimal.valueOf(1L << 40);
            case "Pi" -> BigDecimal.valueOf(1L << 50);
            case "Ei" -> BigDecimal.valueOf(1L << 60);
            default -> throw invalid(text);
        };
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("quantities must match the regular expression "
                + "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$': \"" + text + "\"");
    }

    /** The value rounded up to a whole unit (bytes, cores). */
    public long value() {
        return amount.setScale(0, RoundingMode.CEILING).longValueExact();
    }

    /** The value in thousandths rounded up (millicores). */
    public long milliValue() {
        return amount.scaleByPowerOfTen(3).setScale(0, RoundingMode.CEILING).longValueExact();
    }

    @Override
    public int compareTo(Quantity o) {
        return amount.compareTo(o.amount);
    }
}
