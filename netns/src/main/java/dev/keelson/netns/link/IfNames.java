package dev.keelson.netns.link;

import dev.keelson.linux.rtnetlink.LinkAttrs;
import java.nio.charset.StandardCharsets;

/** Checks interface names as the kernel's dev_valid_name() does, so a bad name fails before any request. */
final class IfNames {
    private IfNames() {
    }

    static String check(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a link name must not be empty");
        }
        if (name.getBytes(StandardCharsets.UTF_8).length >= LinkAttrs.IFNAMSIZ) {
            throw new IllegalArgumentException("link name \"" + name + "\" is longer than "
                    + (LinkAttrs.IFNAMSIZ - 1) + " bytes");
        }
        if (name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("\"" + name + "\" is not a valid link name");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == ':' || Character.isWhitespace(c)) {
                throw new IllegalArgumentException("link name \"" + name + "\" contains '" + c + "'");
            }
        }
        return name;
    }

    static String quote(String name) {
        return "\"" + name + "\"";
    }
}
