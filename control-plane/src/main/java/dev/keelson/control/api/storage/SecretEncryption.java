package dev.keelson.control.api.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encryption at rest of stored values (Secrets), AES-256-GCM like Kubernetes' {@code aesgcm}
 * provider. A stored value is:
 *
 * <pre>
 *   "k8s:enc:aesgcm:v1:" keyName ":" | nonce (12 bytes) | ciphertext + GCM tag (16 bytes)
 * </pre>
 *
 * The prefix is authenticated as associated data, so a value cannot be moved to another key name.
 * The key file holds {@code name:base64key}; it is created 0600 on first start and read after.
 * Values and keys are never logged.
 */
public final class SecretEncryption {
    private static final String PREFIX = "k8s:enc:aesgcm:v1:";
    private static final int NONCE = 12;
    private final String keyName;
    private final SecretKeySpec key;
    private final byte[] prefix;
    private final SecureRandom random = new SecureRandom();

    private SecretEncryption(String keyName, byte[] key) {
        this.keyName = keyName;
        this.key = new SecretKeySpec(key, "AES");
        this.prefix = (PREFIX + keyName + ":").getBytes(StandardCharsets.US_ASCII);
    }

    /** Loads the key from {@code file}, generating a new 256-bit key (0600) if it does not exist. */
    public static SecretEncryption loadOrCreate(Path file) throws IOException {
        if (!Files.exists(file)) {
            byte[] k = new byte[32];
            new SecureRandom().nextBytes(k);
            String line = "key1:" + Base64.getEncoder().encodeToString(k) + "\n";
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, line, StandardOpenOption.TRUNCATE_EXISTING);
        }
        String text = Files.readString(file).strip();
        int colon = text.indexOf(':');
        if (colon <= 0) {
            throw new IOException("encryption key file " + file + " is not of the form name:base64key");
        }
        byte[] k = Base64.getDecoder().decode(text.substring(colon + 1));
        if (k.length != 16 && k.length != 24 && k.length != 32) {
            throw new IOException("encryption key in " + file + " must be 16, 24 or 32 bytes, not " + k.length);
        }
        return new SecretEncryption(text.substring(0, colon), k);
    }

    public String keyName() {
        return keyName;
    }

    /** Encrypts {@code plain} into the prefixed stored form. */
    public byte[] encrypt(byte[] plain) {
        try {
            byte[] nonce = new byte[NONCE];
            random.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            c.updateAAD(prefix);
            byte[] sealed = c.doFinal(plain);
            byte[] out = new byte[prefix.length + NONCE + sealed.length];
            System.arraycopy(prefix, 0, out, 0, prefix.length);
            System.arraycopy(nonce, 0, out, prefix.length, NONCE);
            System.arraycopy(sealed, 0, out, prefix.length + NONCE, sealed.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /** Whether a stored value carries the encryption prefix (of any key). */
    public static boolean isEncrypted(byte[] stored) {
        byte[] p = PREFIX.getBytes(StandardCharsets.US_ASCII);
        return stored.length > p.length && Arrays.equals(stored, 0, p.length, p, 0, p.length);
    }

    /**
     * Decrypts a stored value; values without the prefix (written before encryption was on) are
     * returned as they are.
     *
     * @throws IllegalStateException if the value was sealed with another key or was tampered with
     */
    public byte[] decrypt(byte[] stored) {
        if (!isEncrypted(stored)) {
            return stored;
        }
        if (!Arrays.equals(stored, 0, Math.min(prefix.length, stored.length), prefix, 0, prefix.length)) {
            throw new IllegalStateException("stored value is encrypted with a key other than \"" + keyName + "\"");
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, stored, prefix.length, NONCE));
            c.updateAAD(prefix);
            int off = prefix.length + NONCE;
            return c.doFinal(stored, off, stored.length - off);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("stored value failed AES-GCM authentication (key \"" + keyName + "\")", e);
        }
    }
}
