package dev.keelson.cri.image;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A content digest as the OCI image spec writes it: {@code sha256:<64 lowercase hex>}. Only sha256
 * is accepted (the algorithm every registry and runtime supports; the spec's sha512 is optional).
 */
public record Digest(String hex) {
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");
    /** The algorithm prefix. */
    public static final String SHA256 = "sha256";

    public Digest {
        if (hex == null || !HEX.matcher(hex).matches()) {
            throw new IllegalArgumentException("not a sha256 hex digest: " + hex);
        }
    }

    /** Parses {@code sha256:<hex>}; anything else is {@link IllegalArgumentException}. */
    public static Digest parse(String s) {
        if (s == null || !s.startsWith(SHA256 + ":")) {
            throw new IllegalArgumentException("unsupported or malformed digest: " + s);
        }
        return new Digest(s.substring(SHA256.length() + 1));
    }

    /** The digest of {@code bytes}. */
    public static Digest of(byte[] bytes) {
        return ofRaw(sha256().digest(bytes));
    }

    /** The digest whose raw sha256 value is {@code raw}. */
    public static Digest ofRaw(byte[] raw) {
        return new Digest(HexFormat.of().formatHex(raw));
    }

    private static volatile Path helper;

    /**
     * From now on, {@link #sha256()} hashes large inputs through the {@code keelson-sha256} program
     * at {@code program} (see {@link HelperSha256}); null goes back to the JDK's digest alone.
     */
    public static void hashWith(Path program) {
        helper = program;
    }

    /** A fresh sha256 {@link MessageDigest}: through {@code keelson-sha256} if {@link #hashWith} named it, else the JDK's. */
    public static MessageDigest sha256() {
        Path p = helper;
        return p == null ? jdkSha256() : new HelperSha256(p);
    }

    /** The JDK's sha256 {@link MessageDigest}. */
    static MessageDigest jdkSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK without SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return SHA256 + ":" + hex;
    }
}
