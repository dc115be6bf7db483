package dev.keelson.netns.link;

import dev.keelson.testing.Command;
import java.util.List;
import java.util.Map;

/** What iproute2 says about links, for cross-checks: {@code ip -j -d -n NS link show [NAME]}. */
final class Ip {
    private Ip() {
    }

    /** The link's JSON object. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> link(String ns, String name) {
        List<Object> l = (List<Object>) Json.parse(Command.ok("ip", "-j", "-d", "-n", ns, "link", "show", "dev", name));
        return (Map<String, Object>) l.get(0);
    }

    /** Every link's JSON object. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> links(String ns) {
        return (List<Map<String, Object>>) (List<?>) Json.parse(Command.ok("ip", "-j", "-d", "-n", ns, "link", "show"));
    }

    /** True when {@code ip -n NS link show NAME} finds the link. */
    static boolean exists(String ns, String name) {
        return Command.run("ip", "-n", ns, "link", "show", "dev", name).exit() == 0;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> obj(Map<String, Object> m, String... path) {
        Map<String, Object> cur = m;
        for (String p : path) {
            cur = (Map<String, Object>) cur.get(p);
        }
        return cur;
    }

    static long num(Map<String, Object> m, String key) {
        return ((Number) m.get(key)).longValue();
    }

    @SuppressWarnings("unchecked")
    static List<String> flags(Map<String, Object> m) {
        return (List<String>) m.get("flags");
    }
}
