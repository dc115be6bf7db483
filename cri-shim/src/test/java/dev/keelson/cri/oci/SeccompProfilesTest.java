package dev.keelson.cri.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.cri.api.v1.SecurityProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CRI seccomp profiles to OCI {@code linux.seccomp}; the kernel side is in PodLifecycleTest. */
class SeccompProfilesTest {
    @TempDir
    Path tmp;

    private static List<String> denied(ObjectNode s) {
        List<String> names = new ArrayList<>();
        s.get("syscalls").get(0).get("names").forEach(n -> names.add(n.asText()));
        return names;
    }

    @Test
    void noProfileAndUnconfinedGiveNoFilter() {
        assertNull(SeccompProfiles.forContainer(null, OciSpec.DEFAULT_CAPABILITIES));
        assertNull(SeccompProfiles.forContainer(SecurityProfile.newBuilder()
                .setProfileType(SecurityProfile.ProfileType.Unconfined).build(), OciSpec.DEFAULT_CAPABILITIES));
    }

    @Test
    void theRuntimeDefaultDeniesWhatTheContainersCapabilitiesDoNotAllow() {
        ObjectNode plain = SeccompProfiles.forContainer(SecurityProfile.getDefaultInstance(), OciSpec.DEFAULT_CAPABILITIES);
        assertEquals("SCMP_ACT_ALLOW", plain.get("defaultAction").asText());
        assertEquals("SCMP_ACT_ERRNO", plain.get("syscalls").get(0).get("action").asText());
        assertEquals(1, plain.get("syscalls").get(0).get("errnoRet").asInt());
        assertTrue(denied(plain).containsAll(List.of("keyctl", "kexec_load", "mount", "unshare", "ptrace", "init_module")));
        List<String> caps = new ArrayList<>(OciSpec.DEFAULT_CAPABILITIES);
        caps.add("CAP_SYS_ADMIN");
        List<String> admin = denied(SeccompProfiles.forContainer(SecurityProfile.getDefaultInstance(), caps));
        assertTrue(!admin.contains("mount") && !admin.contains("unshare"), admin.toString());
        assertTrue(admin.contains("keyctl") && admin.contains("ptrace"), "denied whatever the capabilities: " + admin);
    }

    @Test
    void aLocalhostProfileIsReducedToTheOciFieldsAndDockerFormsAreRead() throws Exception {
        Path p = Files.writeString(tmp.resolve("docker.json"), """
                {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38,
                 "archMap": [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86"]}],
                 "syscalls": [{"name": "read", "action": "SCMP_ACT_ALLOW", "comment": "docker only",
                               "includes": {"caps": ["CAP_SYS_ADMIN"]}},
                              {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
                               "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_EQ"}]}]}""");
        JsonNode s = SeccompProfiles.forContainer(SecurityProfile.newBuilder()
                .setProfileType(SecurityProfile.ProfileType.Localhost).setLocalhostRef(p.toString()).build(), List.of());
        assertEquals("""
                {"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":38,"architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86"],\
                "syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"},\
                {"names":["personality"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":0,"op":"SCMP_CMP_EQ"}]}]}""",
                s.toString());
    }

    @Test
    void localhostProfilesThatCannotBeUsedAreRefusedWithTheirPath() throws Exception {
        Path noAction = Files.writeString(tmp.resolve("no-action.json"), "{\"syscalls\": []}");
        for (String ref : List.of("", "relative.json", tmp.resolve("missing.json").toString(), noAction.toString())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SeccompProfiles.forContainer(
                    SecurityProfile.newBuilder().setProfileType(SecurityProfile.ProfileType.Localhost).setLocalhostRef(ref).build(),
                    List.of()));
            assertTrue(e.getMessage().contains("\"" + ref + "\"") || e.getMessage().contains(ref), e.getMessage());
        }
    }
}
