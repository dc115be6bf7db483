package dev.keelson.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keelson.proxy.compile.CompiledState;
import dev.keelson.proxy.compile.Compiler;
import dev.keelson.proxy.compile.Family;
import dev.keelson.proxy.ipt.IptablesRenderer;
import dev.keelson.proxy.nft.NftRenderer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Rendered text for the fixture, compared sorted line by line with reviewed golden files. */
class GoldenTest {
    private static final CompiledState STATE = Compiler.compile(Fixtures.snapshot(), Fixtures.NODE);

    private static String sorted(String text) {
        return text.lines().map(String::strip).filter(l -> !l.isEmpty()).sorted().collect(Collectors.joining("\n")) + "\n";
    }

    @Test
    void nftFullLoadMatchesGolden() throws java.io.IOException {
        matches("golden-full.nft", sorted(NftRenderer.full(STATE)));
    }

    @Test
    void iptablesRestoreMatchesGolden() throws java.io.IOException {
        matches("golden-full-v4.iptables", sorted(IptablesRenderer.full(STATE, Family.V4)));
    }

    private static void matches(String golden, String actual) throws java.io.IOException {
        if (Boolean.getBoolean("golden.update")) {
            // Rewrites the reviewed file after a deliberate layout change: -Dgolden.update=true, then review the diff.
            java.nio.file.Files.writeString(java.nio.file.Path.of("src/test/resources/proxy/" + golden), actual);
        }
        assertEquals(Fixtures.resource(golden), actual);
    }
}
