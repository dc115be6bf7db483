package dev.keelson.cni.ipam.hostlocal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * DNS settings read from the file named by {@code resolvConf}, parsed like the reference: lines
 * {@code nameserver}, {@code domain}, {@code search} and {@code options}; comments ({@code #},
 * {@code ;}) and unknown keywords ignored.
 *
 * @param nameservers nameserver addresses, in file order
 * @param domain the local domain, or null
 * @param search search domains
 * @param options resolver options
 */
public record Dns(List<String> nameservers, String domain, List<String> search, List<String> options) {

    /** No DNS settings (no {@code resolvConf} configured). */
    public static final Dns NONE = new Dns(List.of(), null, List.of(), List.of());

    /** Copies the lists. */
    public Dns {
        nameservers = List.copyOf(nameservers);
        search = List.copyOf(search);
        options = List.copyOf(options);
    }

    /** Reads a resolv.conf-format file. */
    static Dns read(Path file) throws IpamException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IpamException(IpamException.INVALID_CONFIG, "open " + file + ": no such file or directory", e);
        } catch (IOException e) {
            throw new IpamException(IpamException.IO_FAILURE, "cannot read resolvConf " + file + ": " + e, e);
        }
        List<String> ns = new ArrayList<>();
        List<String> search = new ArrayList<>();
        List<String> options = new ArrayList<>();
        String domain = null;
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.charAt(0) == '#' || line.charAt(0) == ';') {
                continue;
            }
            String[] f = line.split("\\s+");
            if (f.length < 2) {
                continue;
            }
            List<String> rest = Arrays.asList(f).subList(1, f.length);
            switch (f[0]) {
                case "nameserver" -> ns.add(f[1]);
                case "domain" -> domain = f[1];
                case "search" -> search.addAll(rest);
                case "options" -> options.addAll(rest);
                default -> { }
            }
        }
        return new Dns(ns, domain, search, options);
    }
}
