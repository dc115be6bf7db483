package dev.keelson.cri.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;

/**
 * The {@code metav1.Status} a kubelet writes on the error stream when a command ends (channel
 * protocol v4 and later): {@code Success}, or {@code Failure} with reason {@code NonZeroExitCode}
 * and the code as the message of a cause of type {@code ExitCode}, from which kubectl and crictl
 * take their own exit code; other failures carry only a message. Protocols before v4 carry the
 * plain message instead.
 */
public record StatusJson(boolean succeeded, String reason, String message, Integer exitCode) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static StatusJson ok() {
        return new StatusJson(true, null, null, null);
    }

    /** The process ended with {@code code}: success for 0, else NonZeroExitCode. */
    public static StatusJson exited(int code, String what) {
        return code == 0 ? ok() : new StatusJson(false, "NonZeroExitCode",
                "command terminated with non-zero exit code: error executing command " + what + ", exit code " + code, code);
    }

    /** A failure that is not an exit code (the command could not run). */
    public static StatusJson failure(String message) {
        return new StatusJson(false, "InternalError", message, null);
    }

    /** The JSON object. */
    public ObjectNode json() {
        ObjectNode s = JSON.createObjectNode();
        s.putObject("metadata");
        s.put("status", succeeded ? "Success" : "Failure");
        if (!succeeded) {
            s.put("message", message).put("reason", reason);
            if (exitCode != null) {
                s.putObject("details").putArray("causes").addObject().put("reason", "ExitCode")
                        .put("message", Integer.toString(exitCode));
            }
        }
        return s;
    }

    /** What goes on the error stream: the JSON for v4+, the bare message (nothing on success) before. */
    public byte[] bytes(boolean v4) {
        if (v4) {
            return json().toString().getBytes(StandardCharsets.UTF_8);
        }
        return succeeded ? new byte[0] : message.getBytes(StandardCharsets.UTF_8);
    }
}
