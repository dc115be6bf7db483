package dev.keelson.cri.image;

import dev.keelson.linux.Sha256;
import java.security.MessageDigest;
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

    /** A fresh sha256 {@link MessageDigest}: libcrypto's where it loads (see {@link Sha256}), else the JDK's. */
    public static MessageDigest sha256() {
        return Sha256.create();
    }

    @Override
    public String toString() {
        return SHA256 + ":" + hex;
    }
}
