package dev.keelson.cri.image.unpack;

import dev.keelson.linux.FileCalls;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

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

    private LayerUnpacker(Path root) {
        this.root = root;
    }

    /**
     * Unpacks the uncompressed tar {@code tar} into {@code dir} (which must exist).
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
        Path p = safe(e.name());
        String base = p.getFileName().toString();
        Path parent = p.getParent();
        if (base.equals(OPAQUE)) {
            FileCalls.lsetxattr(parent.toString(), OPAQUE_XATTR, "y".getBytes(StandardCharsets.US_ASCII));
            return;
        }
        if (base.startsWith(WHITEOUT_PREFIX)) {
            if (base.startsWith(WHITEOUT_PREFIX + WHITEOUT_PREFIX)) {
                return; // other AUFS meta files (.wh..wh.plnk, .wh..wh.aufs) have no overlay meaning
            }
            Path hidden = parent.resolve(base.substring(WHITEOUT_PREFIX.length()));
            removeExisting(hidden);
            FileCalls.mknod(hidden.toString(), FileCalls.S_IFCHR, 0, 0);
            return;
        }
        boolean isDir = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
        if (!(isDir && e.type() == TarEntry.Type.DIR)) {
            removeExisting(p);
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
                Path target = safe(TarReader.clean(e.linkName()));
                if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                    throw new IOException("tar member " + e.name() + " is a hard link to " + e.linkName()
                            + ", which is not in this layer");
                }
                Files.createLink(p, target);
                return; // a hard link shares the target's inode and metadata
            }
            case CHAR -> FileCalls.mknod(p.toString(), FileCalls.S_IFCHR | e.mode(), e.devMajor(), e.devMinor());
            case BLOCK -> FileCalls.mknod(p.toString(), FileCalls.S_IFBLK | e.mode(), e.devMajor(), e.devMinor());
            case FIFO -> FileCalls.mknod(p.toString(), FileCalls.S_IFIFO | e.mode(), 0, 0);
            default -> throw new IOException("unhandled tar member type " + e.type());
        }
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
     * {@code name} inside the layer, with every missing parent created; refuses {@code ..} and a
     * parent that is a symlink or not a directory.
     */
    private Path safe(String name) throws IOException {
        Path p = root;
        String[] parts = name.split("/");
        for (int i = 0; i < parts.length; i++) {
            String c = parts[i];
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                throw new IOException("tar member \"" + name + "\" has a '..' component; refusing to leave the layer");
            }
            p = p.resolve(c);
            if (i < parts.length - 1) {
                if (Files.isSymbolicLink(p)) {
                    throw new IOException("tar member \"" + name + "\" goes through symlink " + root.relativize(p)
                            + "; refusing to leave the layer");
                }
                if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectory(p);
                } else if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    throw new IOException("tar member \"" + name + "\": " + root.relativize(p) + " is not a directory");
                }
            }
        }
        return p;
    }

    private static void removeExisting(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.delete(p);
        } catch (DirectoryNotEmptyException e) {
            dev.keelson.linux.FileTrees.delete(p);
        }
    }

}
