package dev.keelson.cni.plugins.portmap;

import dev.keelson.cni.nft.NftSupport;
import dev.keelson.cni.skel.About;
import dev.keelson.cni.skel.Plugin;
import dev.keelson.cni.skel.Request;
import dev.keelson.cni.spec.CniException;
import dev.keelson.cni.spec.IpConfig;
import dev.keelson.cni.spec.Result;
import dev.keelson.linux.nft.NftablesException;
import dev.keelson.linux.nft.NftablesUnavailableException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code portmap} plugin (chained, capability {@code portMappings}): forwards host ports to
 * the container on nftables (see {@link PortmapRules} for the layout and {@link PortmapConfig}
 * for the fields). The rules go into the namespace the plugin runs in (the node's).
 *
 * <p>ADD needs a prevResult; it uses the first IPv4 and the first IPv6 address in it, as the
 * reference does, and passes the prevResult on. Without mappings it does nothing. DEL removes
 * everything by (network name, container ID) alone, so it is complete when the prevResult is
 * missing or the netns is gone, and idempotent. CHECK verifies the rules for the mappings. GC
 * removes the rules of containers not among {@code cni.dev/valid-attachments}; STATUS is code 50
 * when nftables is unusable.
 *
 * <p>Differences from the reference v1.1.1, on purpose: nftables instead of iptables; DEL never
 * leaks (the reference needs the prevResult to find its chains); {@code conditionsV4/V6} are
 * refused rather than run through iptables; {@code route_localnet} is not turned on, so
 * connections to 127.0.0.1:hostPort from the node are not forwarded.
 */
public final class PortmapPlugin implements Plugin {
    /** The name the banner and VERSION use. */
    public static final About ABOUT = About.of("portmap");

    @Override
    public Result add(Request request) {
        Result prev = request.config().prevResult().orElseThrow(() -> new CniException(CniException.INVALID_NETWORK_CONFIG,
                "must be called as chained plugin"));
        PortmapConfig cfg = PortmapConfig.of(request.config());
        if (cfg.mappings().isEmpty()) {
            return prev;
        }
        List<String> pod = podAddresses(prev);
        if (pod.isEmpty()) {
            throw new CniException(CniException.INVALID_NETWORK_CONFIG, "prevResult has no IP address to map ports to");
        }
        try {
            PortmapRules.apply(request.config().name(), request.containerId(), cfg, pod);
        } catch (NftablesException | NftablesUnavailableException e) {
            throw new CniException(CniException.INTERNAL, "failed to set up port mappings: " + e.getMessage(), "", e);
        }
        return prev;
    }

    @Override
    public void del(Request request) {
        try {
            PortmapRules.remove(request.config().name(), request.containerId());
        } catch (NftablesException e) {
            throw new CniException(CniException.INTERNAL, "failed to remove port mappings: " + e.getMessage(), "", e);
        } catch (NftablesUnavailableException e) {
            // Without nftables nothing of ours can exist: nothing to delete.
        }
    }

    @Override
    public void check(Request request) {
        Result prev = request.config().prevResult().orElseThrow(() -> new CniException(CniException.INVALID_NETWORK_CONFIG,
                "must be called as chained plugin"));
        PortmapConfig cfg = PortmapConfig.of(request.config());
        Set<Object> want = new HashSet<>(PortmapRules.expected(cfg, podAddresses(prev)));
        Set<Object> have = new HashSet<>(PortmapRules.present(request.config().name(), request.containerId()));
        if (!want.equals(have)) {
            throw new CniException(CniException.INTERNAL, "port mappings of container " + request.containerId()
                    + " differ from the config: expected " + want.size() + " host ports, found " + have.size());
        }
    }

    /**
     * GC (CNI 1.1): removes the host ports of every container of this network that has no
     * attachment among {@code cni.dev/valid-attachments} (portmap's rules are per container, so
     * any valid interface of a container keeps them).
     */
    @Override
    public void gc(Request request) {
        PortmapConfig.of(request.config());
        List<String> ids = request.config().validAttachments().stream()
                .map(a -> a.containerID() == null ? "" : a.containerID()).toList();
        try {
            PortmapRules.gc(request.config().name(), ids);
        } catch (NftablesException e) {
            throw new CniException(CniException.INTERNAL, "failed to collect port mappings: " + e.getMessage(), "", e);
        } catch (NftablesUnavailableException e) {
            // Without nftables nothing of ours can exist: nothing to collect.
        }
    }

    /** STATUS (CNI 1.1): code 50 when nftables cannot be used here, saying why. */
    @Override
    public void status(Request request) {
        PortmapConfig.of(request.config());
        NftSupport.unusableReason().ifPresent(why -> {
            throw new CniException(CniException.NOT_AVAILABLE, "portmap cannot set up host ports: " + why);
        });
    }

    private static List<String> podAddresses(Result prev) {
        List<String> out = new ArrayList<>();
        boolean v4 = false;
        boolean v6 = false;
        for (IpConfig ip : prev.ips()) {
            if (ip.isIpv4() && !v4) {
                out.add(ip.address());
                v4 = true;
            } else if (!ip.isIpv4() && !v6) {
                out.add(ip.address());
                v6 = true;
            }
        }
        return out;
    }
}
