package dev.keelson.node.server;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * One record of a CRI container log file, as runtimes write them (kubelet
 * {@code pkg/kubelet/kuberuntime/logs}):
 *
 * <pre>
 *   2026-11-02T10:15:30.123456789Z stdout F hello world
 *   └── RFC 3339 (nano) time ──────┘ └stream┘ │ └ content (no newline) ┘
 *                                            tags: F = full line (a newline followed), P = partial
 * </pre>
 *
 * Tags may hold several values separated by {@code :}; only P/F matters here. A long line is
 * written as several P records and a final F record, which {@link CriLogAssembler} joins.
 *
 * @param time when the runtime read the bytes
 * @param stream "stdout" or "stderr"
 * @param partial whether the record is a fragment (tag P) of a longer line
 * @param content the bytes after the tags
 */
public record CriLogLine(Instant time, String stream, boolean partial, byte[] content) {

    /**
     * Parses one line of a log file (without its trailing newline).
     *
     * @throws IllegalArgumentException when the line does not have the CRI shape
     */
    public static CriLogLine parse(byte[] line, int off, int len) {
        int s1 = indexOf(line, off, off + len, (byte) ' ');
        int s2 = s1 < 0 ? -1 : indexOf(line, s1 + 1, off + len, (byte) ' ');
        int s3 = s2 < 0 ? -1 : indexOf(line, s2 + 1, off + len, (byte) ' ');
        if (s2 < 0) {
            throw new IllegalArgumentException("not a CRI log line: "
                    + new String(line, off, Math.min(len, 80), StandardCharsets.UTF_8));
        }
        Instant t;
        try {
            t = Instant.parse(new String(line, off, s1 - off, StandardCharsets.US_ASCII));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not a CRI log time: " + new String(line, off, s1 - off, StandardCharsets.US_ASCII), e);
        }
        String stream = new String(line, s1 + 1, s2 - s1 - 1, StandardCharsets.US_ASCII);
        int tagEnd = s3 < 0 ? off + len : s3;
        String tags = new String(line, s2 + 1, tagEnd - s2 - 1, StandardCharsets.US_ASCII);
        boolean partial = false;
        for (String tag : tags.split(":")) {
            partial |= tag.equals("P");
        }
        byte[] content = s3 < 0 ? new byte[0] : java.util.Arrays.copyOfRange(line, s3 + 1, off + len);
        return new CriLogLine(t, stream, partial, content);
    }

    private static int indexOf(byte[] b, int from, int to, byte x) {
        for (int i = from; i < to; i++) {
            if (b[i] == x) {
                return i;
            }
        }
        return -1;
    }
}
