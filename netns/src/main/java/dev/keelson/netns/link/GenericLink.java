package dev.keelson.netns.link;

/**
 * A link of a kind that has no typed options here ({@code dummy}, {@code ifb}, {@code nlmon}...):
 * only IFLA_INFO_KIND and the common options are sent.
 *
 * @param name    the new link's name
 * @param kind    IFLA_INFO_KIND
 * @param options common options
 */
public record GenericLink(String name, String kind, LinkOptions options) implements LinkSpec<GenericLink> {
    public GenericLink {
        IfNames.check(name);
        if (kind == null || kind.isEmpty()) {
            throw new IllegalArgumentException("a link kind must not be empty");
        }
    }

    /** A link {@code name} of kind {@code kind}. */
    public static GenericLink of(String name, String kind) {
        return new GenericLink(name, kind, LinkOptions.DEFAULTS);
    }

    @Override
    public GenericLink options(LinkOptions options) {
        return new GenericLink(name, kind, options);
    }
}
