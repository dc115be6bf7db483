package dev.keelson.proxy.nft;

import dev.keelson.linux.netfilter.NftBatch;
import dev.keelson.netns.addr.InetAddresses;
import dev.keelson.proxy.model.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Encodes the renderer's element text ({@code 10.96.0.10 . tcp . 80 . 10 : 10.244.1.5 . 8080}) into
 * the bytes nf_tables stores, so the per-change path can write elements as raw netlink batches.
 * The field types of each of Keelson's maps and sets are fixed by {@link NftTable#declarations}.
 *
 * <pre>
 *  field        kernel form (each field padded to 4 bytes, NFT_REG32_SIZE)
 *  ipv4_addr    4 bytes, network order        inet_proto   1 byte
 *  ipv6_addr    16 bytes, network order       inet_service 2 bytes, network order
 *  numgen index 4 bytes, host order (numgen writes a host-endian u32, linux/netfilter/nf_tables.h)
 * </pre>
 */
public final class NftElements {
    private enum Field { ADDR, PROTO, PORT, INDEX }

    private NftElements() {
    }

    /** The elements of {@code map} (element key to value text, "" for a set) as netlink elements. */
    public static List<NftBatch.Element> encode(String map, Map<String, String> elements) {
        List<Field> key = keyFields(map);
        List<NftBatch.Element> out = new ArrayList<>(elements.size());
        elements.forEach((k, v) -> {
            byte[] kb = concat(key, k, map);
            if (v.isEmpty()) {
                out.add(new NftBatch.Element(kb, null));
            } else if (map.startsWith(NftTable.ENDPOINTS) || map.startsWith(NftTable.NODEPORT_ENDPOINTS)) {
                out.add(NftBatch.Element.value(kb, concat(List.of(Field.ADDR, Field.PORT), v, map)));
            } else {
                out.add(new NftBatch.Element(kb, verdict(v, map)));
            }
        });
        return out;
    }

    private static List<Field> keyFields(String map) {
        String base = map.replaceFirst("[46](-\\d+)?$", "");
        return switch (base) {
            case NftTable.SERVICE_IPS, NftTable.NO_ENDPOINT_SERVICES, NftTable.AFFINITY, NftTable.MASQ_FRONTENDS ->
                    List.of(Field.ADDR, Field.PROTO, Field.PORT);
            case NftTable.NODEPORTS, NftTable.NO_ENDPOINT_NODEPORTS, NftTable.MASQ_NODEPORTS, NftTable.AFFINITY_NODEPORTS ->
                    List.of(Field.PROTO, Field.PORT);
            case NftTable.NODEPORT_ENDPOINTS -> List.of(Field.PROTO, Field.PORT, Field.INDEX);
            case NftTable.CLUSTER_IPS -> List.of(Field.ADDR);
            case NftTable.HAIRPIN -> List.of(Field.ADDR, Field.ADDR);
            case NftTable.ENDPOINTS -> List.of(Field.ADDR, Field.PROTO, Field.PORT, Field.INDEX);
            default -> throw new IllegalArgumentException("no netlink encoding for elements of " + map);
        };
    }

    private static byte[] concat(List<Field> fields, String text, String map) {
        String[] parts = text.split(" \\. ");
        if (parts.length != fields.size()) {
            throw new IllegalArgumentException("element \"" + text + "\" of " + map + " needs " + fields.size() + " fields");
        }
        byte[][] raw = new byte[parts.length][];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i].strip();
            raw[i] = switch (fields.get(i)) {
                case ADDR -> InetAddresses.parse(p.startsWith("[") ? p.substring(1, p.length() - 1) : p).getAddress();
                case PROTO -> new byte[]{(byte) protocolNumber(p)};
                case PORT -> {
                    int port = Integer.parseInt(p);
                    yield new byte[]{(byte) (port >>> 8), (byte) port};
                }
                case INDEX -> {
                    int v = Integer.parseInt(p);
                    // x86 and arm64 hosts are little-endian; numgen's register holds a host-order u32.
                    yield java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.nativeOrder()).putInt(v).array();
                }
            };
        }
        return NftBatch.concat(raw);
    }

    private static int protocolNumber(String p) {
        for (Protocol proto : Protocol.values()) {
            if (proto.lower().equals(p)) {
                return proto.number();
            }
        }
        throw new IllegalArgumentException("unknown protocol " + p);
    }

    private static NftBatch.Verdict verdict(String v, String map) {
        if (v.equals("drop")) {
            return new NftBatch.Verdict(NftBatch.NF_DROP, null);
        }
        if (v.equals("accept")) {
            return new NftBatch.Verdict(NftBatch.NF_ACCEPT, null);
        }
        if (v.startsWith("goto ")) {
            return NftBatch.Verdict.goTo(v.substring(5));
        }
        if (v.startsWith("jump ")) {
            return new NftBatch.Verdict(NftBatch.NFT_JUMP, v.substring(5));
        }
        throw new IllegalArgumentException("unknown verdict \"" + v + "\" in " + map);
    }
}
