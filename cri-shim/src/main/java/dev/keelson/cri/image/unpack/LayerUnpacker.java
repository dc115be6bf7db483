package dev.keelson.cri.image.unpack;

import dev.keelson.linux.FileCalls;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies one layer's tar stream to an empty directory that becomes an overlayfs layer: files,
 * directories, symlinks, hard links, devices and fifos with their modes, owners, times and xattrs.
 *
 * <p>OCI whiteouts (image-spec {@code layer.md}) become overlayfs's own form
 * (kernel {@code Documentation/filesystems/overlayfs.rst}): {@code .wh.NAME} is a character device
 * 0/0 named {@code NAME}; {@code .wh..wh..opq} marks its directory opaque with the xattr
 * {@code trusted.overlay.opaque=y}, so lower layers' entries there are hidden.
 *
 * <p>Path safety: a member name with a {@code ..} component, or whose parent inside the layer is a
 * symlink, is refused, so a layer cannot write outside its directory (hard-link targets too).
 */
public final class LayerUnpacker {
    static final String WHITEOUT_PREFIX = ".wh.";
    static final String OPAQUE = ".wh..wh..opq";
    /** overlayfs's opaque-directory xattr. */
    public static final String OPAQUE_XATTR = "trusted.overlay.opaque";

    private final Path root;
    private final List<TarEntry> dirs = new ArrayList<>();
    /**
     * What this unpack has made, by path inside the layer. The directory starts empty and only
     * this unpack writes it, so this is its whole content: no stat call is needed to learn whether
     * a member's path or its parents exist (a busybox layer is ~270 symlinks in one directory).
     */
    private final Map<String, Kind> made = new HashMap<>();

    private enum Kind { DIR, SYMLINK, OTHER }

    private LayerUnpacker(Path root) {
        this.root = root;
    }

    /**
     * Unpacks the uncompressed tar {@code tar} into {@code dir}, which must exist and be empty.
     *
     * @throws IOException for malformed archives and unsafe paths (the message names the member)
     */
    public static void unpack(InputStream tar, Path dir) throws IOException {
        LayerUnpacker u = new LayerUnpacker(dir);
        TarReader r = new TarReader(tar);
        TarEntry e;
        while ((e = r.next()) != null) {
            u.apply(e, r);
        }
        // directory times last: creating entries inside a directory changes its mtime
        for (int i = u.dirs.size() - 1; i >= 0; i--) {
            TarEntry d = u.dirs.get(i);
            Path p = d.name().isEmpty() ? dir : dir.resolve(d.name());
            FileCalls.lutimes(p.toString(), d.mtimeNanos(), d.mtimeNanos());
        }
    }

    private void apply(TarEntry e, TarReader r) throws IOException {
        if (e.name().isEmpty()) {
            if (e.type() == TarEntry.Type.DIR) {
                metadata(root, e);
                dirs.add(e);
            }
            return;
        }
        String key = safe(e.name());
        Path p = root.resolve(key);
        int slash = key.lastIndexOf('/');
        String base = key.substring(slash + 1);
        String parent = slash < 0 ? "" : key.substring(0, slash + 1);
        if (base.equals(OPAQUE)) {
            FileCalls.lsetxattr(p.getParent().toString(), OPAQUE_XATTR, "y".getBytes(StandardCharsets.US_ASCII));
            return;
        }
        if (base.startsWith(WHITEOUT_PREFIX)) {
            if (base.startsWith(WHITEOUT_PREFIX + WHITEOUT_PREFIX)) {
                return; // other AUFS meta files (.wh..wh.plnk, .wh..wh.aufs) have no overlay meaning
            }
            String hidden = parent + base.substring(WHITEOUT_PREFIX.length());
            removeExisting(hidden);
            FileCalls.mknod(root.resolve(hidden).toString(), FileCalls.S_IFCHR, 0, 0);
            made.put(hidden, Kind.OTHER);
            return;
        }
        boolean isDir = made.get(key) == Kind.DIR;
        if (!(isDir && e.type() == TarEntry.Type.DIR)) {
            removeExisting(key);
        }
        switch (e.type()) {
            case DIR -> {
                if (!isDir) {
                    Files.createDirectory(p);
                }
                dirs.add(e);
            }
            case FILE -> {
                try (InputStream in = r.content()) {
                    Files.copy(in, p, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            case SYMLINK -> Files.createSymbolicLink(p, Path.of(e.linkName()));
            case HARDLINK -> {
                String target = safe(TarReader.clean(e.linkName()));
                if (!made.containsKey(target)) {
                    throw new IOException("tar member " + e.name() + " is a hard link to " + e.linkName()
                            + ", which is not in this layer");
                }
                Files.createLink(p, root.resolve(target));
                made.put(key, made.get(target));
                return; // a hard link shares the target's inode and metadata
            }
            case CHAR -> FileCalls.mknod(p.toString(), FileCalls.S_IFCHR | e.mode(), e.devMajor(), e.devMinor());
            case BLOCK -> FileCalls.mknod(p.toString(), FileCalls.S_IFBLK | e.mode(), e.devMajor(), e.devMinor());
            case FIFO -> FileCalls.mknod(p.toString(), FileCalls.S_IFIFO | e.mode(), 0, 0);
            default -> throw new IOException("unhandled tar member type " + e.type());
        }
        made.put(key, switch (e.type()) {
            case DIR -> Kind.DIR;
            case SYMLINK -> Kind.SYMLINK;
            default -> Kind.OTHER;
        });
        metadata(p, e);
    }

    /** Owner, then mode (chown clears setuid bits), xattrs, then times (dirs: at the end). */
    private static void metadata(Path p, TarEntry e) throws IOException {
        String s = p.toString();
        FileCalls.lchown(s, e.uid(), e.gid());
        if (e.type() != TarEntry.Type.SYMLINK) {
            FileCalls.chmod(s, e.mode()); // not Files.setAttribute: the JDK opens the file, which blocks on a fifo
        }
        for (var x : e.xattrs().entrySet()) {
            FileCalls.lsetxattr(s, x.getKey(), x.getValue());
        }
        if (e.type() != TarEntry.Type.DIR) {
            FileCalls.lutimes(s, e.mtimeNanos(), e.mtimeNanos());
        }
    }

    /**
     * {@code name} inside the layer as a normalised relative path ({@code a/b}), with every missing
     * parent created; refuses {@code ..} and a parent that is a symlink or not a directory.
     */
    private String safe(String name) throws IOException {
        StringBuilder key = new StringBuilder(name.length());
        String[] parts = name.split("/");
        int last = parts.length - 1;
        while (last >= 0 && (parts[last].isEmpty() || parts[last].equals("."))) {
            last--;
        }
        for (int i = 0; i <= last; i++) {
            String c = parts[i];
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                throw new IOException("tar member \"" + name + "\" has a '..' component; refusing to leave the layer");
            }
            if (!key.isEmpty()) {
                key.append('/');
            }
            key.append(c);
            if (i < last) {
                String dir = key.toString();
                Kind k = made.get(dir);
                if (k == null) {
                    Files.createDirectory(root.resolve(dir));
                    made.put(dir, Kind.DIR);
                } else if (k == Kind.SYMLINK) {
                    throw new IOException("tar member \"" + name + "\" goes through symlink " + dir
                            + "; refusing to leave the layer");
                } else if (k != Kind.DIR) {
                    throw new IOException("tar member \"" + name + "\": " + dir + " is not a directory");
                }
            }
        }
        return key.toString();
    }

    /** Removes what this unpack made at {@code key}, if anything, and forgets it and whatever was under it. */
    private void removeExisting(String key) throws IOException {
        if (made.remove(key) == null) {
            return;
        }
        removeExisting(root.resolve(key));
        String under = key + "/";
        made.keySet().removeIf(k -> k.startsWith(under));
    }

    private static void removeExisting(Path p) throws IOException {
        try {
            Files.delete(p);
        } catch (DirectoryNotEmptyException e) {
            dev.keelson.linux.FileTrees.delete(p);
        }
    }

}
