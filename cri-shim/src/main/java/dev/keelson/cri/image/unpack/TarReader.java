package dev.keelson.cri.image.unpack;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads a tar stream: POSIX ustar headers (with the {@code prefix} field), GNU long names and link
 * names ({@code L}/{@code K} members), PAX extended headers ({@code x} per member, {@code g}
 * global) including {@code path}, {@code linkpath}, {@code size}, {@code uid}, {@code gid},
 * {@code mtime} and {@code SCHILY.xattr.*}, and GNU base-256 numbers.
 *
 * <pre>
 *  header block (512 bytes), offsets in bytes:
 *    0 name[100]  100 mode[8]  108 uid[8]  116 gid[8]  124 size[12]  136 mtime[12]
 *  148 chksum[8]  156 typeflag  157 linkname[100]  257 magic[6] "ustar"  263 version[2]
 *  265 uname[32]  297 gname[32]  329 devmajor[8]  337 devminor[8]  345 prefix[155]
 * </pre>
 * Content follows in 512-byte blocks; two zero blocks end the archive.
 *
 * <p>Use: {@code while ((e = r.next()) != null) { read r.content() for regular files }}; the
 * unread rest of a member is skipped by the next {@link #next}.
 */
public final class TarReader {
    private static final int BLOCK = 512;
    private final InputStream in;
    private final byte[] header = new byte[BLOCK];
    private final byte[] skipBuf = new byte[8192];
    private final Map<String, String> global = new HashMap<>();
    private long remaining;
    private long padding;

    /** A reader over {@code in} (not closed by this reader). */
    public TarReader(InputStream in) {
        this.in = in;
    }

    /** The next member, or null at the end of the archive. */
    public TarEntry next() throws IOException {
        skipRest();
        Map<String, String> pax = new HashMap<>(global);
        String longName = null;
        String longLink = null;
        while (true) {
            if (!readBlock(header)) {
                return null;
            }
            if (isZero(header)) {
                return null; // first of the two end-of-archive blocks
            }
            checkChecksum();
            char type = (char) header[156];
            long size = number(124, 12);
            switch (type) {
                case 'x', 'g' -> {
                    Map<String, String> rec = parsePax(readData(size));
                    (type == 'g' ? global : pax).putAll(rec);
                    if (type == 'g') {
                        pax.putAll(rec);
                    }
                }
                case 'L' -> longName = cString(readData(size));
                case 'K' -> longLink = cString(readData(size));
                default -> {
                    return entry(type, size, pax, longName, longLink);
                }
            }
        }
    }

    /** The content of the current member (regular files); reads end at the member's end. */
    public InputStream content() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] b = new byte[1];
                return read(b, 0, 1) < 0 ? -1 : b[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (remaining <= 0) {
                    return -1;
                }
                int r = in.read(b, off, (int) Math.min(len, remaining));
                if (r < 0) {
                    throw new EOFException("tar member truncated");
                }
                remaining -= r;
                return r;
            }
        };
    }

    private TarEntry entry(char t, long size, Map<String, String> pax, String longName, String longLink) throws IOException {
        String name = longName != null ? longName : field(0, 100);
        String prefix = isUstar() ? field(345, 155) : "";
        if (longName == null && !prefix.isEmpty()) {
            name = prefix + "/" + name;
        }
        String link = longLink != null ? longLink : field(157, 100);
        name = pax.getOrDefault("path", name);
        link = pax.getOrDefault("linkpath", link);
        if (pax.containsKey("size")) {
            size = Long.parseLong(pax.get("size"));
        }
        int uid = pax.containsKey("uid") ? Integer.parseInt(pax.get("uid")) : (int) number(108, 8);
        int gid = pax.containsKey("gid") ? Integer.parseInt(pax.get("gid")) : (int) number(116, 8);
        long mtime = pax.containsKey("mtime") ? paxTime(pax.get("mtime")) : number(136, 12) * 1_000_000_000L;
        Map<String, byte[]> xattrs = new HashMap<>();
        pax.forEach((k, v) -> {
            if (k.startsWith("SCHILY.xattr.")) {
                xattrs.put(k.substring("SCHILY.xattr.".length()), v.getBytes(StandardCharsets.ISO_8859_1));
            }
        });
        TarEntry.Type type = switch (t) {
            case '0', '\0', '7' -> TarEntry.Type.FILE;
            case '1' -> TarEntry.Type.HARDLINK;
            case '2' -> TarEntry.Type.SYMLINK;
            case '3' -> TarEntry.Type.CHAR;
            case '4' -> TarEntry.Type.BLOCK;
            case '5' -> TarEntry.Type.DIR;
            case '6' -> TarEntry.Type.FIFO;
            default -> throw new IOException("unsupported tar member type '" + t + "' for " + name);
        };
        if (type == TarEntry.Type.FILE && name.endsWith("/")) {
            type = TarEntry.Type.DIR; // old tars mark directories by the trailing slash only
        }
        boolean file = type == TarEntry.Type.FILE;
        remaining = file ? size : 0;
        padding = file ? pad(size) : size + pad(size); // links, dirs, devices carry no content; skip any
        return new TarEntry(clean(name), type, (int) (number(100, 8) & 07777), uid, gid,
                type == TarEntry.Type.FILE ? size : 0, mtime, link, (int) number(329, 8), (int) number(337, 8), xattrs);
    }

    /** Strips {@code ./} and leading slashes and a trailing slash. */
    static String clean(String name) {
        String n = name;
        while (n.startsWith("./") || n.startsWith("/")) {
            n = n.substring(n.startsWith("./") ? 2 : 1);
        }
        while (n.endsWith("/")) {
            n = n.substring(0, n.length() - 1);
        }
        return n.equals(".") ? "" : n;
    }

    /** PAX records: {@code "<len> <key>=<value>\n"}, len counting the whole record, values UTF-8 except xattrs kept raw. */
    private static Map<String, String> parsePax(byte[] data) throws IOException {
        Map<String, String> m = new HashMap<>();
        int i = 0;
        while (i < data.length && data[i] != 0) {
            int sp = i;
            while (sp < data.length && data[sp] != ' ') {
                sp++;
            }
            int len;
            try {
                len = Integer.parseInt(new String(data, i, sp - i, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                throw new IOException("malformed PAX record length", e);
            }
            if (len <= 0 || i + len > data.length) {
                throw new IOException("malformed PAX record length " + len);
            }
            int eq = sp + 1;
            while (eq < i + len && data[eq] != '=') {
                eq++;
            }
            String key = new String(data, sp + 1, eq - sp - 1, StandardCharsets.UTF_8);
            int vlen = i + len - 1 - (eq + 1);
            // xattr values are binary: keep bytes 1:1 in ISO-8859-1; other values are UTF-8 text
            String value = key.startsWith("SCHILY.xattr.")
                    ? new String(data, eq + 1, vlen, StandardCharsets.ISO_8859_1)
                    : new String(data, eq + 1, vlen, StandardCharsets.UTF_8);
            m.put(key, value);
            i += len;
        }
        return m;
    }

    private static long paxTime(String s) {
        int dot = s.indexOf('.');
        long sec = Long.parseLong(dot < 0 ? s : s.substring(0, dot));
        long nanos = 0;
        if (dot >= 0) {
            String frac = (s.substring(dot + 1) + "000000000").substring(0, 9);
            nanos = Long.parseLong(frac);
            if (sec < 0 || s.startsWith("-")) {
                nanos = -nanos;
            }
        }
        return sec * 1_000_000_000L + nanos;
    }

    private byte[] readData(long size) throws IOException {
        if (size > 16 * 1024 * 1024) {
            throw new IOException("tar extended header of " + size + " bytes is too large");
        }
        byte[] d = in.readNBytes((int) size);
        if (d.length != size) {
            throw new EOFException("tar extended header truncated");
        }
        discard(pad(size));
        return d;
    }

    private void skipRest() throws IOException {
        discard(remaining + padding);
        remaining = 0;
        padding = 0;
    }

    /**
     * Reads and drops {@code n} bytes. Never {@code skip}: a caller hashing the stream (the layer's
     * DiffID) through a {@code DigestInputStream} must see every byte.
     */
    private void discard(long n) throws IOException {
        long left = n;
        while (left > 0) {
            int r = in.read(skipBuf, 0, (int) Math.min(skipBuf.length, left));
            if (r < 0) {
                throw new EOFException("tar stream truncated");
            }
            left -= r;
        }
    }

    private boolean readBlock(byte[] b) throws IOException {
        int n = in.readNBytes(b, 0, BLOCK);
        if (n == 0) {
            return false; // archives without end blocks happen; treat EOF on a boundary as the end
        }
        if (n != BLOCK) {
            throw new EOFException("tar header truncated");
        }
        return true;
    }

    private void checkChecksum() throws IOException {
        long want = number(148, 8);
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : (header[i] & 0xff);
        }
        if (sum != want) {
            throw new IOException("tar header checksum mismatch (corrupt or not a tar stream)");
        }
    }

    private boolean isUstar() {
        return header[257] == 'u' && header[258] == 's' && header[259] == 't' && header[260] == 'a' && header[261] == 'r';
    }

    private String field(int off, int len) {
        int end = off;
        while (end < off + len && header[end] != 0) {
            end++;
        }
        return new String(header, off, end - off, StandardCharsets.UTF_8);
    }

    /** An octal field, or a GNU base-256 number when the high bit of the first byte is set. */
    private long number(int off, int len) throws IOException {
        if ((header[off] & 0x80) != 0) {
            long v = header[off] & 0x7f;
            for (int i = 1; i < len; i++) {
                v = (v << 8) | (header[off + i] & 0xff);
            }
            return v;
        }
        long v = 0;
        int i = off;
        while (i < off + len && (header[i] == ' ' || header[i] == 0)) {
            i++;
        }
        for (; i < off + len && header[i] >= '0' && header[i] <= '7'; i++) {
            v = v * 8 + (header[i] - '0');
        }
        return v;
    }

    private static String cString(byte[] d) {
        int end = 0;
        while (end < d.length && d[end] != 0) {
            end++;
        }
        return new String(d, 0, end, StandardCharsets.UTF_8);
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static long pad(long size) {
        return (BLOCK - size % BLOCK) % BLOCK;
    }
}
