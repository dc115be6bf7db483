package dev.keelson.linux;

/** A file's identity (device, inode) as fstat(2) reports it; for nsfs files, the namespace's identity. */
public record FileId(long device, long inode) {
}
