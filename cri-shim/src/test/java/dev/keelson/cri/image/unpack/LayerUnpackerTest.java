package dev.keelson.cri.image.unpack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Tars written member by member (including what GNU tar would never write: duplicates, members
 * through symlinks), unpacked into an empty directory. The unpacker knows what it made without
 * stat calls; these cases check that its picture stays the directory's.
 */
class LayerUnpackerTest {
    @TempDir
    Path tmp;

    /** A minimal ustar writer: one 512-byte header per member, content padded to 512. */
    private static final class Tar {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Tar add(char type, String name, String linkOrContent) {
            byte[] content = type == '0' ? linkOrContent.getBytes(StandardCharsets.UTF_8) : new byte[0];
            byte[] h = new byte[512];
            put(h, 0, name);
            put(h, 100, octal(type == '5' ? 0755 : 0644, 8));
            put(h, 108, octal(0, 8));
            put(h, 116, octal(0, 8));
            put(h, 124, octal(content.length, 12));
            put(h, 136, octal(1_600_000_000L, 12));
            h[156] = (byte) type;
            if (type == '1' || type == '2') {
                put(h, 157, linkOrContent);
            }
            put(h, 257, "ustar");
            put(h, 263, "00");
            for (int i = 148; i < 156; i++) {
                h[i] = ' ';
            }
            long sum = 0;
            for (byte b : h) {
                sum += b & 0xff;
            }
            put(h, 148, octal(sum, 7));
            out.writeBytes(h);
            out.writeBytes(content);
            out.writeBytes(new byte[(512 - content.length % 512) % 512]);
            return this;
        }

        byte[] bytes() {
            out.writeBytes(new byte[1024]);
            return out.toByteArray();
        }

        private static String octal(long v, int width) {
            String s = Long.toOctalString(v);
            return "0".repeat(Math.max(0, width - 1 - s.length())) + s;
        }

        private static void put(byte[] h, int off, String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            System.arraycopy(b, 0, h, off, b.length);
        }
    }

    private Path unpack(Tar t) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("layer"));
        LayerUnpacker.unpack(new ByteArrayInputStream(t.bytes()), dir);
        return dir;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "through a symlink made earlier | evil/passwd   | goes through symlink",
        "through a regular file         | file/x        | is not a directory",
        "with a '..' component          | a/../../x     | '..' component",
    })
    void unsafeMembersAreRefusedAndNothingLeavesTheLayer(String why, String member, String message) throws IOException {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Tar t = new Tar().add('2', "evil", outside.toString()).add('0', "file", "f").add('0', member, "pwned");
        IOException e = assertThrows(IOException.class, () -> unpack(t));
        assertTrue(e.getMessage().contains(message), e.getMessage());
        try (var s = Files.list(outside)) {
            assertEquals(0, s.count(), why);
        }
    }

    @Test
    void laterMembersReplaceEarlierOnesOfAnotherKind() throws IOException {
        Path d = unpack(new Tar()
                .add('0', "a", "first").add('5', "a", "").add('0', "a/b", "in a")       // file → dir
                .add('5', "d", "").add('0', "d/x", "x").add('0', "d", "now a file")     // dir with content → file
                .add('2', "s", "/tmp").add('5', "s", "").add('0', "s/f", "under s")     // symlink → dir
                .add('0', "./n/./m//k", "normalised").add('0', "n/m/k", "again"));      // same path, two spellings
        assertEquals("in a", Files.readString(d.resolve("a/b")));
        assertEquals("now a file", Files.readString(d.resolve("d")));
        assertTrue(Files.isDirectory(d.resolve("s"), LinkOption.NOFOLLOW_LINKS));
        assertEquals("under s", Files.readString(d.resolve("s/f")));
        assertEquals("again", Files.readString(d.resolve("n/m/k")));
    }

    @Test
    void whiteoutOfAMemberOfTheSameLayerReplacesIt() throws IOException {
        Path d = unpack(new Tar().add('5', "w", "").add('0', "w/inner", "x").add('0', ".wh.w", ""));
        assertEquals(0020000, (int) Files.getAttribute(d.resolve("w"), "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000);
        assertEquals(0L, (long) Files.getAttribute(d.resolve("w"), "unix:rdev", LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void hardLinksNeedTheirTargetInTheLayerAndShareItsInode() throws IOException {
        Path d = unpack(new Tar().add('0', "bin/busybox", "elf").add('1', "bin/sh", "./bin/busybox"));
        assertEquals(Files.getAttribute(d.resolve("bin/busybox"), "unix:ino"), Files.getAttribute(d.resolve("bin/sh"), "unix:ino"));
        Files.walk(d).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        IOException e = assertThrows(IOException.class, () -> unpack(new Tar().add('1', "bin/sh", "bin/busybox")));
        assertTrue(e.getMessage().contains("not in this layer"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("layer/bin/sh"), LinkOption.NOFOLLOW_LINKS));
    }
}
