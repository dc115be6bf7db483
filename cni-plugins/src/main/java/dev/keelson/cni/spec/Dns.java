package dev.keelson.cni.spec;

import java.util.List;

/**
 * DNS settings of a config or result ({@code nameservers}, {@code domain}, {@code search},
 * {@code options}); absent parts are empty lists or null.
 */
public record Dns(List<String> nameservers, String domain, List<String> search, List<String> options) {
    /** No DNS settings; printed as {@code {}} as the reference does. */
    public static final Dns EMPTY = new Dns(List.of(), null, List.of(), List.of());

    public Dns {
        nameservers = nameservers == null ? List.of() : List.copyOf(nameservers);
        search = search == null ? List.of() : List.copyOf(search);
        options = options == null ? List.of() : List.copyOf(options);
        domain = domain == null || domain.isEmpty() ? null : domain;
    }

    public boolean isEmpty() {
        return nameservers.isEmpty() && domain == null && search.isEmpty() && options.isEmpty();
    }
}
