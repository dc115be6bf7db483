package dev.keelson.cri.stream;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** HTTP/1.x head lines: up to LF, a CR before it dropped, ISO-8859-1, at most a given length. */
public final class HttpLines {
    private HttpLines() {
    }

    /**
     * The next line of {@code in}; {@link EOFException} when the connection ends first, an
     * {@link IOException} past {@code max} bytes. {@code where} names the part for both messages.
     */
    public static String line(InputStream in, int max, String where) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException("connection closed inside the " + where);
            }
            if (c == '\n') {
                break;
            }
            if (b.size() >= max) {
                throw new IOException(where + " line longer than " + max + " bytes");
            }
            b.write(c);
        }
        String s = b.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }
}
