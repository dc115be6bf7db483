package dev.keelson.cri.image;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The execution defaults of an image: the {@code config} object of its OCI image config
 * (image-spec config.md: {@code Entrypoint}, {@code Cmd}, {@code Env}, {@code WorkingDir},
 * {@code User}), which a container created from the image starts from.
 *
 * @param entrypoint {@code Entrypoint}, empty when unset
 * @param cmd {@code Cmd}, empty when unset
 * @param env {@code Env}, {@code KEY=value} entries in image order
 * @param workingDir {@code WorkingDir}, empty when unset
 * @param user {@code User} ({@code name}, {@code uid}, {@code name:group}, {@code uid:gid}), empty when unset
 */
public record ImageConfig(List<String> entrypoint, List<String> cmd, List<String> env, String workingDir, String user) {
    /** No defaults: what a container of a plain rootfs directory starts from. */
    public static final ImageConfig EMPTY = new ImageConfig(List.of(), List.of(), List.of(), "", "");

    public ImageConfig {
        entrypoint = List.copyOf(entrypoint);
        cmd = List.copyOf(cmd);
        env = List.copyOf(env);
    }

    /** The defaults of a parsed image config document (the whole JSON; a missing {@code config} is no defaults). */
    public static ImageConfig of(JsonNode imageConfig) {
        JsonNode c = imageConfig.path("config");
        return new ImageConfig(strings(c.path("Entrypoint")), strings(c.path("Cmd")), strings(c.path("Env")),
                c.path("WorkingDir").asText(""), c.path("User").asText(""));
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
