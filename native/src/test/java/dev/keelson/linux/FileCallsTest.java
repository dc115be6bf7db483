package dev.keelson.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileCallsTest {
    @TempDir
    Path dir;

    @Test
    void mknodMakesCharDeviceWithMajorMinorAndFifo() throws Exception {
        Path dev = dir.resolve("null2");
        FileCalls.mknod(dev.toString(), FileCalls.S_IFCHR | 0640, 1, 3);
        long rdev = (long) Files.getAttribute(dev, "unix:rdev", LinkOption.NOFOLLOW_LINKS);
        assertEquals(FileCalls.makedev(1, 3), rdev);
        assertEquals(0640, (int) Files.getAttribute(dev, "unix:mode") & 07777);
        Path fifo = dir.resolve("f");
        FileCalls.mknod(fifo.toString(), FileCalls.S_IFIFO | 0600, 0, 0);
        assertEquals(0010000, (int) Files.getAttribute(fifo, "unix:mode") & 0170000);
        Path big = dir.resolve("big");
        FileCalls.mknod(big.toString(), FileCalls.S_IFBLK | 0600, 259, 300);
        assertEquals(FileCalls.makedev(259, 300), (long) Files.getAttribute(big, "unix:rdev"));
    }

    @Test
    void mknodOnExistingPathIsAlreadyExists() {
        AlreadyExistsException e = assertThrows(AlreadyExistsException.class,
                () -> FileCalls.mknod(dir.toString(), FileCalls.S_IFIFO | 0600, 0, 0));
        assertTrue(e.getMessage().startsWith("mknod(\"" + dir + "\")"), e.getMessage());
    }

    @Test
    void xattrsAreSetOnTheSymlinkItself() throws Exception {
        Path target = Files.writeString(dir.resolve("t"), "x");
        Path link = Files.createSymbolicLink(dir.resolve("l"), target);
        FileCalls.lsetxattr(link.toString(), "trusted.keelson", "on-link".getBytes(StandardCharsets.UTF_8));
        assertArrayEquals("on-link".getBytes(StandardCharsets.UTF_8), FileCalls.lgetxattr(link.toString(), "trusted.keelson"));
        assertNull(FileCalls.lgetxattr(target.toString(), "trusted.keelson"));
        FileCalls.lsetxattr(target.toString(), "trusted.overlay.opaque", "y".getBytes(StandardCharsets.UTF_8));
        assertArrayEquals(new byte[] {'y'}, FileCalls.lgetxattr(target.toString(), "trusted.overlay.opaque"));
    }

    @Test
    void lchownAndLutimesDoNotFollowSymlinks() throws Exception {
        Path target = Files.writeString(dir.resolve("t"), "x");
        Path link = Files.createSymbolicLink(dir.resolve("l"), target);
        FileCalls.lchown(link.toString(), 1234, 5678);
        assertEquals(1234, (int) Files.getAttribute(link, "unix:uid", LinkOption.NOFOLLOW_LINKS));
        assertEquals(5678, (int) Files.getAttribute(link, "unix:gid", LinkOption.NOFOLLOW_LINKS));
        assertEquals(0, (int) Files.getAttribute(target, "unix:uid"));
        long t = 1_000_000_000L * 1_500_000_000L + 123_456_789L;
        FileCalls.lutimes(link.toString(), t, t);
        FileTime m = Files.getLastModifiedTime(link, LinkOption.NOFOLLOW_LINKS);
        assertEquals(t, m.to(java.util.concurrent.TimeUnit.NANOSECONDS));
        assertTrue(Files.getLastModifiedTime(target).toMillis() > 1_600_000_000_000L);
    }

    @Test
    void chmodSetsSpecialBitsOnAFifoWithoutOpeningIt() throws Exception {
        Path fifo = dir.resolve("f");
        FileCalls.mknod(fifo.toString(), FileCalls.S_IFIFO | 0600, 0, 0);
        FileCalls.chmod(fifo.toString(), 04755);
        assertEquals(04755, (int) Files.getAttribute(fifo, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777);
    }

    @Test
    void missingPathIsNotFound() {
        assertThrows(NotFoundException.class, () -> FileCalls.lchown(dir.resolve("nope").toString(), 0, 0));
    }
}
