package dev.keelson.cri.image.unpack;

import java.util.Map;

/**
 * One tar member after GNU long-name and PAX records have been applied.
 *
 * @param name the path inside the archive, without a leading {@code ./} or {@code /}
 * @param type the member type
 * @param mode permission bits (including setuid/setgid/sticky)
 * @param uid owner
 * @param gid group
 * @param size bytes of content that follow (regular files only)
 * @param mtimeNanos modification time, nanoseconds since the epoch
 * @param linkName target of a symlink or hard link
 * @param devMajor device major (devices only)
 * @param devMinor device minor (devices only)
 * @param xattrs extended attributes from PAX {@code SCHILY.xattr.*} records
 */
public record TarEntry(String name, Type type, int mode, int uid, int gid, long size, long mtimeNanos,
        String linkName, int devMajor, int devMinor, Map<String, byte[]> xattrs) {
    public TarEntry {
        xattrs = Map.copyOf(xattrs);
    }

    /** Member types of POSIX ustar ({@code typeflag}). */
    public enum Type { FILE, HARDLINK, SYMLINK, CHAR, BLOCK, DIR, FIFO }
}
