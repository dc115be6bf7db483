package dev.keelson.cri.image;

import java.util.regex.Pattern;

/**
 * An image reference normalised as Docker and containerd do: {@code busybox} is
 * {@code docker.io/library/busybox:latest}; a first component with a dot, a colon or
 * {@code localhost} is a registry host. A reference carries a tag, a digest, or both
 * ({@code name:tag@sha256:...}, where the digest wins for fetching).
 *
 * @param registry the registry host (and port), e.g. {@code registry.k8s.io}
 * @param repository the repository path, e.g. {@code pause} or {@code library/busybox}
 * @param tag the tag, or null
 * @param digest the manifest digest, or null
 */
public record ImageReference(String registry, String repository, String tag, Digest digest) {
    /** The host Docker Hub references normalise to. */
    public static final String DOCKER_HUB = "docker.io";
    private static final Pattern REPO = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

    public ImageReference {
        if (tag == null && digest == null) {
            throw new IllegalArgumentException("reference without tag or digest: " + registry + "/" + repository);
        }
    }

    /**
     * Parses and normalises {@code s}; a reference without tag or digest gets {@code latest}.
     *
     * @throws IllegalArgumentException naming {@code s} when it is not a valid reference
     */
    public static ImageReference parse(String s) {
        String rest = s;
        Digest digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = Digest.parse(rest.substring(at + 1));
            rest = rest.substring(0, at);
        }
        String tag = null;
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!TAG.matcher(tag).matches()) {
                throw new IllegalArgumentException("invalid tag in image reference \"" + s + "\"");
            }
        }
        String registry = DOCKER_HUB;
        int slash = rest.indexOf('/');
        if (slash > 0) {
            String first = rest.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                registry = first;
                rest = rest.substring(slash + 1);
            }
        }
        if (registry.equals("index.docker.io")) {
            registry = DOCKER_HUB;
        }
        if (registry.equals(DOCKER_HUB) && !rest.contains("/")) {
            rest = "library/" + rest;
        }
        if (!REPO.matcher(rest).matches()) {
            throw new IllegalArgumentException("invalid repository in image reference \"" + s + "\"");
        }
        if (tag == null && digest == null) {
            tag = "latest";
        }
        return new ImageReference(registry, rest, tag, digest);
    }

    /** {@code registry/repository}, the name repoTags and repoDigests start with. */
    public String name() {
        return registry + "/" + repository;
    }

    /** What to ask the registry's manifest endpoint for: the digest when there is one, else the tag. */
    public String manifestKey() {
        return digest != null ? digest.toString() : tag;
    }

    /** {@code name:tag}, or null without a tag. */
    public String repoTag() {
        return tag == null ? null : name() + ":" + tag;
    }

    /** This reference's name with {@code d}: {@code name@sha256:...}. */
    public String repoDigest(Digest d) {
        return name() + "@" + d;
    }

    @Override
    public String toString() {
        return name() + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
    }
}
