package dev.keelson.cni.plugins.bridge;

import dev.keelson.netns.link.MacAddress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The MAC a bridge gets when this plugin creates it. A bridge whose address was never set takes
 * the lowest MAC among its ports (net/bridge/br_stp_if.c {@code br_stp_recalculate_bridge_id}), so
 * it changes as containers come and go and every neighbour's ARP entry for the gateway goes stale.
 * Giving the address at creation (IFLA_ADDRESS) marks it as set ({@code NET_ADDR_SET}), and the
 * kernel then keeps it. The address is derived from the host's {@code /etc/machine-id} and the
 * bridge's name: the same bridge gets the same MAC each time it is made on a host, and two hosts'
 * bridges of one name differ. Locally administered, unicast.
 */
final class StableMac {
    private static final Path MACHINE_ID = Path.of("/etc/machine-id");
    /** Read once: it names the host install and does not change while we run. */
    private static volatile String machineId;

    private StableMac() {
    }

    /** The MAC for bridge {@code name} on this host. */
    static MacAddress of(String name) {
        String id = machineId;
        if (id == null) {
            id = machineId = readMachineId();
        }
        return derive(id, name);
    }

    static MacAddress derive(String machineId, String name) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
        byte[] h = sha.digest(("keelson-bridge\0" + machineId + "\0" + name).getBytes(StandardCharsets.UTF_8));
        byte[] mac = new byte[6];
        System.arraycopy(h, 0, mac, 0, 6);
        mac[0] = (byte) ((mac[0] & 0xfe) | 0x02); // unicast, locally administered (IEEE 802 U/L bit)
        return MacAddress.of(mac);
    }

    private static String readMachineId() {
        try {
            return Files.readString(MACHINE_ID).strip();
        } catch (IOException e) {
            return ""; // still stable for the bridge's life, which is what matters most
        }
    }
}
