package dev.keelson.control.api.table;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Human durations as kubectl shows them ("45s", "5m10s", "3h", "2d5h", "400d"). */
public final class Ages {
    private Ages() {}

    /** The age of an RFC 3339 timestamp, or {@code <unknown>}. */
    public static String since(String timestamp, Clock clock) {
        if (timestamp == null || timestamp.isEmpty()) {
            return "<unknown>";
        }
        try {
            return human(Duration.between(Instant.parse(timestamp), clock.instant()));
        } catch (DateTimeParseException e) {
            return "<invalid>";
        }
    }

    public static String human(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 120) {
            return s + "s";
        }
        long m = s / 60;
        if (m < 10) {
            return s % 60 == 0 ? m + "m" : m + "m" + (s % 60) + "s";
        }
        if (m < 180) {
            return m + "m";
        }
        long h = m / 60;
        if (h < 8) {
            return m % 60 == 0 ? h + "h" : h + "h" + (m % 60) + "m";
        }
        if (h < 48) {
            return h + "h";
        }
        long days = h / 24;
        if (days < 8) {
            return h % 24 == 0 ? days + "d" : days + "d" + (h % 24) + "h";
        }
        if (days < 365 * 2) {
            return days + "d";
        }
        long years = days / 365;
        return days % 365 == 0 ? years + "y" : years + "y" + (days % 365) + "d";
    }
}
