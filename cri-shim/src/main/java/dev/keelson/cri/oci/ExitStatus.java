package dev.keelson.cri.oci;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How a container's init ended, as {@code keelson-cri-shim} recorded it in the exit file
 * ({@code "EXITCODE SIGNAL FINISHED_UNIX_NANOS"}).
 *
 * @param code the exit code when it exited normally (0 when signalled)
 * @param signal the terminating signal, 0 for a normal exit
 * @param finishedAtNanos wall-clock time of the reaping, Unix nanoseconds
 */
public record ExitStatus(int code, int signal, long finishedAtNanos) {
    /** The exit code CRI reports: the code, or 128 + signal (137 for SIGKILL, 143 for SIGTERM). */
    public int criExitCode() {
        return signal == 0 ? code : 128 + signal;
    }

    /** The reason CRI reports: "Completed" for exit 0, "Error" otherwise (containerd's words). */
    public String reason() {
        return criExitCode() == 0 ? "Completed" : "Error";
    }

    /** Reads an exit file; empty while it does not exist (the container has not ended). */
    public static Optional<ExitStatus> read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII).trim();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new OciRuntimeException("cannot read exit file " + file + ": " + e.getMessage(), e);
        }
        String[] f = text.split(" ");
        if (f.length != 3) {
            throw new OciRuntimeException("malformed exit file " + file + ": \"" + text + "\"");
        }
        return Optional.of(new ExitStatus(Integer.parseInt(f[0]), Integer.parseInt(f[1]), Long.parseLong(f[2])));
    }
}
