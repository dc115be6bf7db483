package dev.keelson.cni.ipam.hostlocal;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The reference's on-disk allocation records, in {@code <dataDir>/<network>/}:
 * <pre>
 *   lock                  empty, mode 0750, held exclusively around every change
 *   10.1.2.3              "containerID\r\nifname" (no trailing newline), mode 0644; its name is
 *   fd00::3               the address in Go's text form; created with O_EXCL, so it is the claim
 *   last_reserved_ip.0    the last address reserved from range set 0, no newline; the round-robin
 *   last_reserved_ip.1    cursor of each set
 * </pre>
 * Files written by releases before 0.7 contain only the container id; they still count as that
 * container's (matched by id alone when no exact record exists), as the reference does.
 * Methods other than {@link #open} are called with the {@link NetworkLock} held.
 */
final class DiskStore {
    static final String LAST_RESERVED_PREFIX = "last_reserved_ip.";
    static final String LINE_BREAK = "\r\n";

    private static final FileAttribute<Set<PosixFilePermission>> FILE_MODE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--"));
    private static final FileAttribute<Set<PosixFilePermission>> DIR_MODE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x"));

    private final Path dir;

    private DiskStore(Path dir) {
        this.dir = dir;
    }

    /** Creates {@code dir} (and parents, mode 0755) if needed. */
    static DiskStore open(Path dir) throws IpamException {
        if (Files.isDirectory(dir)) {
            return new DiskStore(dir); // the usual case: one stat instead of mkdir attempts up the path
        }
        try {
            Files.createDirectories(dir, DIR_MODE);
        } catch (IOException e) {
            throw io("cannot create allocation directory " + dir, e);
        }
        return new DiskStore(dir);
    }

    Path dir() {
        return dir;
    }

    /** The record content for an attachment, as the reference writes it. */
    static String record(Attachment a) {
        return a.containerId().strip() + LINE_BREAK + a.ifname();
    }

    /**
     * Claims {@code ip} for {@code owner} and moves the set's cursor to it; false if the address
     * is already claimed.
     */
    boolean reserve(Attachment owner, InetAddress ip, int rangeSet) throws IpamException {
        Path file = dir.resolve(Ips.format(ip));
        try {
            write(file, record(owner), StandardOpenOption.CREATE_NEW);
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            deleteQuietly(file);
            throw io("cannot record allocation " + file, e);
        }
        try {
            overwrite(dir.resolve(LAST_RESERVED_PREFIX + rangeSet), Ips.format(ip));
        } catch (IOException e) {
            throw io("cannot record last reserved address of range set " + rangeSet, e);
        }
        return true;
    }

    /** The set's round-robin cursor, or null if none was recorded or it does not parse. */
    InetAddress lastReserved(int rangeSet) {
        try {
            return Ips.parse(Files.readString(dir.resolve(LAST_RESERVED_PREFIX + rangeSet), StandardCharsets.UTF_8));
        } catch (IOException e) {
            // Unreadable cursor: round-robin restarts at rangeStart, as in the reference.
            return null;
        }
    }

    /** Every allocation record: address to its trimmed content, in directory order. */
    Map<InetAddress, String> allocations() throws IpamException {
        Map<InetAddress, String> out = new LinkedHashMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                InetAddress ip = Ips.parse(p.getFileName().toString());
                if (ip == null || !Files.isRegularFile(p)) {
                    continue;
                }
                try {
                    out.put(ip, Files.readString(p, StandardCharsets.UTF_8).strip());
                } catch (NoSuchFileException e) {
                    // Released by a reference plugin that does not share our lock (see NetworkLock).
                }
            }
        } catch (IOException e) {
            throw io("cannot list allocations in " + dir, e);
        }
        return out;
    }

    /** Removes the record of {@code ip}; true if it existed. */
    boolean release(InetAddress ip) throws IpamException {
        Path file = dir.resolve(Ips.format(ip));
        try {
            return Files.deleteIfExists(file);
        } catch (IOException e) {
            throw io("cannot release " + file, e);
        }
    }

    private static void write(Path file, String content, OpenOption... options) throws IOException {
        Set<OpenOption> opts = new java.util.HashSet<>(Set.of(options));
        opts.add(StandardOpenOption.WRITE);
        try (SeekableByteChannel ch = Files.newByteChannel(file, opts, FILE_MODE)) {
            ByteBuffer b = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                ch.write(b);
            }
        }
    }

    /**
     * Replaces a small file's content in place: written from offset 0, then cut to length. Not
     * O_TRUNC: on ext4, truncating a file to zero and rewriting it makes close(2) start writeback
     * of the new data (the auto_da_alloc heuristic), which costs a few hundred microseconds per
     * ADD; overwriting and shrinking never does. Readers hold the lock, so they never see a
     * half-written cursor.
     */
    private static void overwrite(Path file, String content) throws IOException {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), FILE_MODE)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b, b.position());
            }
            ch.truncate(bytes.length);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // The write already failed; that error is the one reported.
        }
    }

    private static IpamException io(String message, IOException e) {
        return new IpamException(IpamException.IO_FAILURE, message + ": " + e, e);
    }
}
