package dev.keelson.cni.daemon;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The daemon's wire format, shared with {@code native/c/keelson-cni-client.c}. One request and one
 * reply per connection; integers are big-endian, byte strings are a u32 length then the bytes:
 *
 * <pre>
 * request  "KCNI" │ u32 version=1 │ u32 pid │ u64 netns dev │ u64 netns ino
 *          │ bytes plugin name │ u32 count │ count × bytes "KEY=VALUE" │ bytes stdin
 * reply    "KCNR" │ u32 exit code │ bytes stdout │ bytes stderr
 * </pre>
 *
 * The pid and the namespace identity ({@code stat /proc/self/ns/net}) are the client's own: the
 * JDK's SO_PEERCRED gives the peer's uid and gid but not its pid, so the daemon opens
 * {@code /proc/PID/ns/net} and checks it is the namespace the client named.
 */
public final class Protocol {
    /** The request's version field. */
    public static final int VERSION = 1;
    private static final byte[] REQUEST_MAGIC = "KCNI".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] REPLY_MAGIC = "KCNR".getBytes(StandardCharsets.US_ASCII);
    /** Bounds that keep a confused peer from making the daemon allocate gigabytes. */
    static final int MAX_NAME = 255;
    static final int MAX_ENV = 1024;
    static final int MAX_ENV_ENTRY = 1 << 20;
    static final int MAX_STDIN = 64 << 20;

    private Protocol() {
    }

    /** A request as the client sent it. */
    public record Call(int pid, long netnsDevice, long netnsInode, String plugin, Map<String, String> env, byte[] stdin) {
        public Call {
            env = Map.copyOf(env);
        }
    }

    /** The outcome of one plugin run. */
    public record Reply(int exitCode, byte[] stdout, byte[] stderr) {
    }

    /** A malformed request; the connection is answered with a CNI error. */
    public static final class ProtocolException extends IOException {
        private static final long serialVersionUID = 1L;

        ProtocolException(String message) {
            super(message);
        }
    }

    /** Reads one request. */
    public static Call readCall(InputStream stream) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        byte[] magic = in.readNBytes(4);
        if (!Arrays.equals(magic, REQUEST_MAGIC)) {
            throw new ProtocolException("not a keelson CNI client request");
        }
        int version = in.readInt();
        if (version != VERSION) {
            throw new ProtocolException("unsupported protocol version " + Integer.toUnsignedString(version));
        }
        int pid = in.readInt();
        long dev = in.readLong();
        long ino = in.readLong();
        String name = new String(bytes(in, MAX_NAME, "plugin name"), StandardCharsets.UTF_8);
        int count = in.readInt();
        if (count < 0 || count > MAX_ENV) {
            throw new ProtocolException("too many environment variables: " + Integer.toUnsignedString(count));
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String kv = new String(bytes(in, MAX_ENV_ENTRY, "environment variable"), StandardCharsets.UTF_8);
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new ProtocolException("malformed environment entry: " + kv);
            }
            env.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        byte[] stdin = bytes(in, MAX_STDIN, "stdin");
        return new Call(pid, dev, ino, name, env, stdin);
    }

    /** Writes one request (what the native client does; for tests and Java callers). */
    public static void writeCall(OutputStream stream, Call call) throws IOException {
        DataOutputStream out = new DataOutputStream(stream);
        out.write(REQUEST_MAGIC);
        out.writeInt(VERSION);
        out.writeInt(call.pid());
        out.writeLong(call.netnsDevice());
        out.writeLong(call.netnsInode());
        writeBytes(out, call.plugin().getBytes(StandardCharsets.UTF_8));
        out.writeInt(call.env().size());
        for (Map.Entry<String, String> e : call.env().entrySet()) {
            writeBytes(out, (e.getKey() + "=" + e.getValue()).getBytes(StandardCharsets.UTF_8));
        }
        writeBytes(out, call.stdin());
        out.flush();
    }

    /** Writes one reply. */
    public static void writeReply(OutputStream stream, Reply reply) throws IOException {
        DataOutputStream out = new DataOutputStream(stream);
        out.write(REPLY_MAGIC);
        out.writeInt(reply.exitCode());
        writeBytes(out, reply.stdout());
        writeBytes(out, reply.stderr());
        out.flush();
    }

    /** Reads one reply. */
    public static Reply readReply(InputStream stream) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        if (!Arrays.equals(in.readNBytes(4), REPLY_MAGIC)) {
            throw new ProtocolException("not a keelson CNI daemon reply");
        }
        int code = in.readInt();
        return new Reply(code, bytes(in, Integer.MAX_VALUE, "stdout"), bytes(in, Integer.MAX_VALUE, "stderr"));
    }

    private static byte[] bytes(DataInputStream in, int max, String what) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > max) {
            throw new ProtocolException(what + " too long: " + Integer.toUnsignedString(n) + " bytes");
        }
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            throw new EOFException("request ends inside " + what);
        }
        return b;
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }
}
