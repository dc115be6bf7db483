package dev.keelson.cri.stream;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Requests waiting for their streaming connection, under one-time random tokens (the kubelet's
 * streaming request cache). A token is taken once: a second GET of the same URL, or one after
 * the time to live, finds nothing.
 *
 * @param <T> what is stored (the CRI request)
 */
public final class StreamTokens<T> {
    /** The kubelet's and containerd's default: one minute to connect. */
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(1);
    private static final SecureRandom RANDOM = new SecureRandom();

    private record Entry<T>(T value, long expiresAtNanos) {
    }

    private final Map<String, Entry<T>> entries = new ConcurrentHashMap<>();
    private final Duration ttl;
    private final LongSupplier clock;

    public StreamTokens(Duration ttl) {
        this(ttl, System::nanoTime);
    }

    StreamTokens(Duration ttl, LongSupplier clock) {
        this.ttl = ttl;
        this.clock = clock;
    }

    /** Stores {@code value} and returns its token: 8 random bytes, URL-safe base64 (11 characters). */
    public String put(T value) {
        long now = clock.getAsLong();
        entries.values().removeIf(e -> e.expiresAtNanos() - now < 0);
        byte[] b = new byte[8];
        String token;
        do {
            RANDOM.nextBytes(b);
            token = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        } while (entries.putIfAbsent(token, new Entry<>(value, now + ttl.toNanos())) != null);
        return token;
    }

    /** The value under {@code token}, removed; empty when unknown, already taken or expired. */
    public Optional<T> take(String token) {
        Entry<T> e = entries.remove(token);
        if (e == null || e.expiresAtNanos() - clock.getAsLong() < 0) {
            return Optional.empty();
        }
        return Optional.of(e.value());
    }

    /** How many tokens wait (expired ones included until the next put). */
    public int size() {
        return entries.size();
    }
}
