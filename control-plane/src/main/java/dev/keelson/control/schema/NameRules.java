package dev.keelson.control.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Kubernetes' name and key syntax rules (k8s.io/apimachinery {@code pkg/util/validation}), each
 * returning the failure messages in Kubernetes' wording (empty when valid).
 */
final class NameRules {
    private static final String LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private static final String SUBDOMAIN_FMT = LABEL_FMT + "(\\." + LABEL_FMT + ")*";
    private static final String DNS1035_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?";
    private static final String QUALIFIED_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
    private static final String LABEL_VALUE_FMT = "(" + QUALIFIED_FMT + ")?";
    private static final String CONFIG_KEY_FMT = "[-._a-zA-Z0-9]+";
    private static final Pattern LABEL = Pattern.compile(LABEL_FMT);
    private static final Pattern SUBDOMAIN = Pattern.compile(SUBDOMAIN_FMT);
    private static final Pattern DNS1035 = Pattern.compile(DNS1035_FMT);
    private static final Pattern QUALIFIED = Pattern.compile(QUALIFIED_FMT);
    private static final Pattern LABEL_VALUE = Pattern.compile(LABEL_VALUE_FMT);
    private static final Pattern CONFIG_KEY = Pattern.compile(CONFIG_KEY_FMT);
    private static final Pattern PORT_NAME_CHARS = Pattern.compile("[-a-z0-9]+");

    private NameRules() {}

    static List<String> dns1123Label(String v) {
        List<String> errs = new ArrayList<>();
        if (v.length() > 63) {
            errs.add(maxLen(63));
        }
        if (!LABEL.matcher(v).matches()) {
            errs.add(SUBDOMAIN.matcher(v).matches() ? "must not contain dots"
                    : regexError("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-',"
                    + " and must start and end with an alphanumeric character", LABEL_FMT, "my-name", "123-abc"));
        }
        return errs;
    }

    static List<String> dns1123Subdomain(String v) {
        List<String> errs = new ArrayList<>();
        if (v.length() > 253) {
            errs.add(maxLen(253));
        }
        if (!SUBDOMAIN.matcher(v).matches()) {
            errs.add(regexError("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters,"
                    + " '-' or '.', and must start and end with an alphanumeric character", SUBDOMAIN_FMT, "example.com"));
        }
        return errs;
    }

    static List<String> dns1035Label(String v) {
        List<String> errs = new ArrayList<>();
        if (v.length() > 63) {
            errs.add(maxLen(63));
        }
        if (!DNS1035.matcher(v).matches()) {
            errs.add(regexError("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start"
                    + " with an alphabetic character, and end with an alphanumeric character", DNS1035_FMT,
                    "my-name", "abc-123"));
        }
        return errs;
    }

    static List<String> qualifiedName(String v) {
        List<String> errs = new ArrayList<>();
        String[] parts = v.split("/", -1);
        String name;
        String msg = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an"
                + " alphanumeric character";
        if (parts.length == 1) {
            name = parts[0];
        } else if (parts.length == 2) {
            name = parts[1];
            if (parts[0].isEmpty()) {
                errs.add("prefix part must be non-empty");
            } else {
                for (String m : dns1123Subdomain(parts[0])) {
                    errs.add("prefix part " + m);
                }
            }
        } else {
            errs.add("a qualified name " + regexError(msg, QUALIFIED_FMT, "MyName", "my.name", "123-abc")
                    + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
            return errs;
        }
        if (name.isEmpty()) {
            errs.add("name part must be non-empty");
        } else if (name.length() > 63) {
            errs.add("name part " + maxLen(63));
        }
        if (!QUALIFIED.matcher(name).matches()) {
            errs.add("name part " + regexError(msg, QUALIFIED_FMT, "MyName", "my.name", "123-abc"));
        }
        return errs;
    }

    static List<String> labelValue(String v) {
        List<String> errs = new ArrayList<>();
        if (v.length() > 63) {
            errs.add(maxLen(63));
        }
        if (!LABEL_VALUE.matcher(v).matches()) {
            errs.add(regexError("a valid label must be an empty string or consist of alphanumeric characters, '-', '_'"
                    + " or '.', and must start and end with an alphanumeric character", LABEL_VALUE_FMT,
                    "MyValue", "my_value", "12345"));
        }
        return errs;
    }

    static List<String> configMapKey(String v) {
        List<String> errs = new ArrayList<>();
        if (v.length() > 253) {
            errs.add(maxLen(253));
        }
        if (!CONFIG_KEY.matcher(v).matches()) {
            errs.add(regexError("a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
                    CONFIG_KEY_FMT, "key.name", "KEY_NAME", "key-name"));
        }
        if (v.equals(".")) {
            errs.add("must not be '.'");
        } else if (v.equals("..")) {
            errs.add("must not be '..'");
        } else if (v.startsWith("..")) {
            errs.add("must not start with '..'");
        }
        return errs;
    }

    static List<String> portName(String v) {
        List<String> errs = new ArrayList<>();
        if (v.length() > 15) {
            errs.add(maxLen(15));
        }
        if (!PORT_NAME_CHARS.matcher(v).matches()) {
            errs.add("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
        }
        if (!v.chars().anyMatch(c -> c >= 'a' && c <= 'z')) {
            errs.add("must contain at least one letter (a-z)");
        }
        if (v.contains("--")) {
            errs.add("must not contain consecutive hyphens");
        }
        if (!v.isEmpty() && (v.charAt(0) == '-' || v.charAt(v.length() - 1) == '-')) {
            errs.add("must not begin or end with a hyphen");
        }
        return errs;
    }

    static List<String> portNumber(long port) {
        return port >= 1 && port <= 65535 ? List.of() : List.of(inclusiveRange(1, 65535));
    }

    static String inclusiveRange(long lo, long hi) {
        return "must be between " + lo + " and " + hi + ", inclusive";
    }

    static String maxLen(int n) {
        return "must be no more than " + n + " characters";
    }

    static String regexError(String msg, String fmt, String... examples) {
        StringBuilder b = new StringBuilder(msg).append(" (e.g. ");
        for (int i = 0; i < examples.length; i++) {
            b.append(i > 0 ? " or " : "").append('\'').append(examples[i]).append("', ");
        }
        return b.append("regex used for validation is '").append(fmt).append("')").toString();
    }
}
