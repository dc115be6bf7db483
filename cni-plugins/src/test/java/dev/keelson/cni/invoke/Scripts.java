package dev.keelson.cni.invoke;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

/**
 * Shell-script CNI plugins for the invoker tests, written into a plugin dir. The recorder logs
 * every invocation's stdin to {@code log/NNN-COMMAND-CONTAINERID} and on ADD passes its
 * {@code prevResult} on (or, first in a chain, answers a fixed result).
 */
final class Scripts {
    static final String FIXED_RESULT = "{\"cniVersion\":\"1.1.0\",\"interfaces\":[{\"name\":\"fake0\"}],"
            + "\"ips\":[{\"address\":\"10.9.0.5/24\",\"interface\":0}]}";

    private Scripts() {
    }

    static void plugin(Path dir, String name, String body) {
        try {
            Path f = dir.resolve(name);
            Files.writeString(f, "#!/bin/sh\n" + body);
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The recorder plugin {@code name}, logging into {@code log}. */
    static void recorder(Path dir, String name, Path log) {
        try {
            Files.createDirectories(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        plugin(dir, name, "in=$(cat)\n"
                + "n=$(ls " + log + " | wc -l)\n"
                + "printf '%s' \"$in\" > " + log + "/$(printf %03d \"$n\")-$CNI_COMMAND-$CNI_CONTAINERID\n"
                + "if [ \"$CNI_COMMAND\" = ADD ]; then\n"
                + "  if printf '%s' \"$in\" | /usr/bin/jq -e .prevResult >/dev/null; then printf '%s' \"$in\" | /usr/bin/jq .prevResult\n"
                + "  else printf '%s' '" + FIXED_RESULT + "'; fi\n"
                + "fi\n");
    }

    /** The logged invocations' file names, in order. */
    static List<String> calls(Path log) {
        try (Stream<Path> s = Files.list(log)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path log, String call) {
        try {
            return Files.readString(log.resolve(call));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
