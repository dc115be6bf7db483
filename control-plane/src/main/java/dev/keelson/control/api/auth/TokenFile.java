package dev.keelson.control.api.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Bearer tokens from {@code <data>/tokens}, in the format of Kubernetes' static token file:
 *
 * <pre>
 *   token,user,uid,"group1,group2"
 * </pre>
 *
 * An admin token ({@code admin}, group {@code system:masters}) is generated into a new 0600 file on
 * first start. Lookups compare SHA-256 digests of every entry with {@link MessageDigest#isEqual}
 * and never stop early, so timing reveals neither a token nor how much of one matched.
 */
public final class TokenFile {
    private record Entry(byte[] digest, User user) {}

    private final List<Entry> entries;
    private final String adminToken;

    private TokenFile(List<Entry> entries, String adminToken) {
        this.entries = entries;
        this.adminToken = adminToken;
    }

    /** Reads the token file, creating it with a fresh admin token if it does not exist. */
    public static TokenFile loadOrCreate(Path file) throws IOException {
        if (!Files.exists(file)) {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String token = HexFormat.of().formatHex(random);
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, token + ",admin,admin,\"system:masters\"\n");
        }
        List<Entry> entries = new ArrayList<>();
        String admin = null;
        int n = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            n++;
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            String[] f = l.split(",", 4);
            if (f.length < 3 || f[0].isEmpty() || f[1].isEmpty()) {
                throw new IOException(file + ":" + n + ": expected token,user,uid[,\"groups\"]");
            }
            List<String> groups = f.length == 4 ? List.of(f[3].replace("\"", "").split(",")) : List.of();
            User user = new User(f[1], f[2], groups.stream().map(String::strip).filter(g -> !g.isEmpty()).toList());
            entries.add(new Entry(digest(f[0]), user));
            if (admin == null && user.groups().contains("system:masters")) {
                admin = f[0];
            }
        }
        return new TokenFile(List.copyOf(entries), admin);
    }

    /** The user a bearer token belongs to, if any. */
    public Optional<User> authenticate(String token) {
        byte[] d = digest(token);
        User found = null;
        for (Entry e : entries) {
            if (MessageDigest.isEqual(e.digest(), d) && found == null) {
                found = e.user();
            }
        }
        return Optional.ofNullable(found);
    }

    /** The first token of a {@code system:masters} user (written into the admin kubeconfig). */
    public Optional<String> adminToken() {
        return Optional.ofNullable(adminToken);
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "TokenFile[" + entries.size() + " tokens]"; // never the tokens themselves
    }
}
