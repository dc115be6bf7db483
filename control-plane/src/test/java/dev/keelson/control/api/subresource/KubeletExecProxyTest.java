package dev.keelson.control.api.subresource;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.api.http.ApiRequest;
import dev.keelson.control.api.rest.ApiException;
import dev.keelson.control.api.rest.Subresources.Stream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How kubectl's streaming requests become kubelet API requests, and how a node's refusal becomes a Status. */
class KubeletExecProxyTest {
    private static final ObjectNode POD = new ObjectMapper().createObjectNode();

    static {
        POD.putObject("metadata").put("namespace", "team a").put("name", "web-0");
    }

    private static ApiRequest request(Map<String, List<String>> query) {
        return new ApiRequest("POST", "/api/v1/namespaces/x/pods/web-0/exec", query, Map.of(), new byte[0], "admin");
    }

    @Test
    void execMapsKubectlOptionsToTheKubeletsNames() {
        Map<String, List<String>> q = new LinkedHashMap<>();
        q.put("command", List.of("sh", "-c", "echo a&b"));
        q.put("stdin", List.of("true"));
        q.put("stdout", List.of("true"));
        q.put("tty", List.of("true"));
        q.put("container", List.of("main"));
        assertEquals("/exec/team%20a/web-0/main?command=sh&command=-c&command=echo%20a%26b&input=1&output=1&tty=1",
                KubeletExecProxy.target(Stream.EXEC, POD, "main", request(q)));
    }

    @Test
    void attachCarriesNoCommand() {
        Map<String, List<String>> q = new LinkedHashMap<>();
        q.put("command", List.of("ignored"));
        q.put("stdout", List.of("true"));
        q.put("stderr", List.of("true"));
        assertEquals("/attach/team%20a/web-0/main?output=1&error=1", KubeletExecProxy.target(Stream.ATTACH, POD, "main", request(q)));
    }

    @Test
    void portForwardPortsBecomeKubeletPortParameters() {
        assertEquals("/portForward/team%20a/web-0?port=8080&port=9090&port=53",
                KubeletExecProxy.target(Stream.PORT_FORWARD, POD, null, request(Map.of("ports", List.of("8080,9090", "53")))));
        assertEquals("/portForward/team%20a/web-0", KubeletExecProxy.target(Stream.PORT_FORWARD, POD, null, request(Map.of())),
                "SPDY clients name the ports in their streams");
    }

    @ParameterizedTest
    @CsvSource({"400, 400, BadRequest", "403, 403, Forbidden", "404, 404, NotFound", "501, 501, NotImplemented",
            "503, 502, InternalError", "500, 502, InternalError"})
    void aNodesRefusalKeepsTheCodesKubectlTellsApart(int node, int code, String reason) {
        ApiException e = KubeletExecProxy.failed(node, "node \"n\" answered " + node);
        assertEquals(code, e.code());
        assertEquals(reason, e.status().path("reason").asText());
        assertEquals("node \"n\" answered " + node, e.status().path("message").asText());
    }
}
