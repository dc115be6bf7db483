package dev.keelson.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * iproute2 in a named network namespace, for cross-checks: {@code ip -n NS ...}, and its JSON
 * ({@code ip -j -d -n NS ...}) read with {@link Json}.
 */
public final class Ip {
    private Ip() {
    }

    /** Runs {@code ip -n NS ARGS...} and returns what it printed; fails if ip does. */
    public static String in(String ns, String... args) {
        List<String> argv = new ArrayList<>(List.of("ip", "-n", ns));
        argv.addAll(List.of(args));
        return Command.ok(argv.toArray(String[]::new));
    }

    /** {@code ip -j -d -n NS ARGS...}: the array of objects it prints (empty for no output). */
    public static List<Map<String, Object>> json(String ns, String... args) {
        List<String> argv = new ArrayList<>(List.of("-j", "-d"));
        argv.addAll(List.of(args));
        return Json.objects(in(ns, argv.toArray(String[]::new)));
    }

    /** The link's JSON object: {@code ip -j -d -n NS link show dev NAME}. */
    public static Map<String, Object> link(String ns, String name) {
        return json(ns, "link", "show", "dev", name).get(0);
    }

    /** Every link's JSON object. */
    public static List<Map<String, Object>> links(String ns) {
        return json(ns, "link", "show");
    }

    /** The link's ifindex as iproute2 reports it. */
    public static int ifindex(String ns, String name) {
        return (int) num(link(ns, name), "ifindex");
    }

    /** True when {@code ip -n NS link show NAME} finds the link. */
    public static boolean exists(String ns, String name) {
        return Command.run("ip", "-n", ns, "link", "show", "dev", name).exit() == 0;
    }

    /** The object at {@code path} below {@code m}, e.g. {@code obj(link, "linkinfo", "info_data")}. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> obj(Map<String, Object> m, String... path) {
        Map<String, Object> cur = m;
        for (String p : path) {
            cur = (Map<String, Object>) cur.get(p);
        }
        return cur;
    }

    /** The number at {@code key}. */
    public static long num(Map<String, Object> m, String key) {
        return ((Number) m.get(key)).longValue();
    }

    /** The {@code flags} array of a link, e.g. {@code [BROADCAST, MULTICAST, UP, LOWER_UP]}. */
    @SuppressWarnings("unchecked")
    public static List<String> flags(Map<String, Object> m) {
        return (List<String>) m.get("flags");
    }
}
