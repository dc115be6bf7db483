package dev.keelson.node.node;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Facts about this machine as the kubelet reads them: processors, {@code /proc/meminfo}, the root
 * file system, {@code /proc/sys/kernel/*}, {@code /etc/os-release}, machine and boot ids.
 *
 * @param cpus available processors
 * @param memoryTotal MemTotal in bytes
 * @param memoryAvailable MemAvailable in bytes
 * @param rootfsTotal size of the file system holding {@code /} in bytes
 * @param rootfsAvailable bytes available to unprivileged users there
 * @param pidMax {@code kernel.pid_max}
 * @param pidsInUse processes now running (entries of {@code /proc})
 */
public record MachineInfo(int cpus, long memoryTotal, long memoryAvailable, long rootfsTotal, long rootfsAvailable,
        long pidMax, long pidsInUse, String kernelVersion, String osImage, String machineId, String bootId,
        String systemUuid, String hostname) {

    /** Reads the facts now. Missing files read as empty strings or zero, never as errors. */
    public static MachineInfo read() {
        long total = 0;
        long available = 0;
        for (String line : lines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemTotal:")) {
                total = kib(line);
            } else if (line.startsWith("MemAvailable:")) {
                available = kib(line);
            }
        }
        long fsTotal = 0;
        long fsAvail = 0;
        try {
            FileStore fs = Files.getFileStore(Path.of("/"));
            fsTotal = fs.getTotalSpace();
            fsAvail = fs.getUsableSpace();
        } catch (IOException e) {
            // reported as zero; the node then shows DiskPressure rather than failing to register
        }
        long pids;
        try (var s = Files.list(Path.of("/proc"))) {
            pids = s.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).count();
        } catch (IOException e) {
            pids = 0;
        }
        String os = "Linux";
        for (String line : lines(Path.of("/etc/os-release"))) {
            if (line.startsWith("PRETTY_NAME=")) {
                os = line.substring("PRETTY_NAME=".length()).replace("\"", "");
            }
        }
        return new MachineInfo(Runtime.getRuntime().availableProcessors(), total, available, fsTotal, fsAvail,
                parseLong(first(Path.of("/proc/sys/kernel/pid_max")), 32768), pids,
                first(Path.of("/proc/sys/kernel/osrelease")), os, first(Path.of("/etc/machine-id")),
                first(Path.of("/proc/sys/kernel/random/boot_id")), first(Path.of("/sys/class/dmi/id/product_uuid")),
                first(Path.of("/proc/sys/kernel/hostname")));
    }

    /** The first IPv4 address of an interface that is up and not loopback (the kubelet's default InternalIP). */
    public static Optional<String> defaultIpv4() {
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nif.isUp() || nif.isLoopback()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    if (a instanceof Inet4Address) {
                        return Optional.of(a.getHostAddress());
                    }
                }
            }
        } catch (SocketException e) {
            // no interfaces readable: the caller falls back to loopback
        }
        return Optional.empty();
    }

    private static long kib(String line) {
        String[] f = line.split("\\s+");
        return f.length >= 2 ? parseLong(f[1], 0) * 1024 : 0;
    }

    private static long parseLong(String s, long dflt) {
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    private static List<String> lines(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (IOException e) {
            return List.of();
        }
    }

    private static String first(Path p) {
        List<String> l = lines(p);
        return l.isEmpty() ? "" : l.get(0).strip();
    }
}
