package dev.keelson.netns.sysctl;

/**
 * A network sysctl name, checked and turned into its path under /proc/sys.
 *
 * <p>Accepted spellings, as sysctl(8) reads them — the first separator decides:
 * <ul>
 *   <li>dotted, {@code net.ipv4.conf.eth0/100.rp_filter}: dots separate the components, and a dot
 *       inside a component (the VLAN interface {@code eth0.100}) is written as a slash;</li>
 *   <li>slashed, {@code net/ipv4/conf/eth0.100/rp_filter}: slashes separate, dots are literal.</li>
 * </ul>
 * Both name the file {@code /proc/sys/net/ipv4/conf/eth0.100/rp_filter}. Only names under
 * {@code net} are accepted (this is the per-namespace network tree); empty components, {@code .},
 * {@code ..}, a leading separator (an absolute path) and NUL are rejected.
 *
 * @param path the path relative to /proc/sys, slash-separated, e.g. {@code net/ipv4/ip_forward}
 */
record SysctlKey(String path) {

    /** Parses {@code key} in either spelling; throws IllegalArgumentException naming the key when it is not a network sysctl. */
    static SysctlKey parse(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("empty sysctl key");
        }
        if (key.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("sysctl key contains NUL: \"" + key.replace("\0", "\\0") + "\"");
        }
        if (key.startsWith("/") || key.startsWith(".")) {
            throw new IllegalArgumentException("sysctl key \"" + key + "\" must be relative, e.g. net.ipv4.ip_forward");
        }
        int firstSep = indexOfSeparator(key);
        String path = firstSep >= 0 && key.charAt(firstSep) == '.' ? swapDotsAndSlashes(key) : key;
        String[] parts = path.split("/", -1);
        for (String p : parts) {
            if (p.isEmpty() || p.equals(".") || p.equals("..")) {
                throw new IllegalArgumentException("sysctl key \"" + key + "\" has an empty, \".\" or \"..\" component");
            }
        }
        if (!parts[0].equals("net") || parts.length < 2) {
            throw new IllegalArgumentException("sysctl key \"" + key
                    + "\" is not a network sysctl: only keys under net. (net.ipv4.*, net.ipv6.*, net.core.*...) are per namespace");
        }
        return new SysctlKey(path);
    }

    /** The key for a per-interface setting, {@code net.<family>.conf.<ifname>.<name>}, with any interface name. */
    static SysctlKey ofInterface(String family, String ifname, String name) {
        if (ifname == null || ifname.isEmpty() || ifname.indexOf('/') >= 0 || ifname.equals(".") || ifname.equals("..")) {
            throw new IllegalArgumentException("not an interface name: \"" + ifname + "\"");
        }
        if (name == null || name.isEmpty() || name.indexOf('/') >= 0 || name.indexOf('.') >= 0) {
            throw new IllegalArgumentException("not a per-interface sysctl name: \"" + name + "\"");
        }
        return parse("net/" + family + "/conf/" + ifname + "/" + name);
    }

    /** The dotted spelling, as sysctl(8) prints it (a dot inside a component becomes a slash). */
    String dotted() {
        return swapDotsAndSlashes(path);
    }

    private static int indexOfSeparator(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '.' || c == '/') {
                return i;
            }
        }
        return -1;
    }

    private static String swapDotsAndSlashes(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(c == '.' ? '/' : c == '/' ? '.' : c);
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return dotted();
    }
}
