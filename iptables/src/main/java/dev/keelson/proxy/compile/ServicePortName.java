package dev.keelson.proxy.compile;

import dev.keelson.proxy.model.Protocol;
import dev.keelson.proxy.model.ServiceRef;

/**
 * One port of one Service, the unit the proxy programs: {@code default/web:http}. Its text form is
 * kube-proxy's {@code ServicePortName.String()} (no colon for an unnamed port), which the iptables chain hashes are computed from.
 */
public record ServicePortName(ServiceRef service, String port, Protocol protocol) {

    @Override
    public String toString() {
        return port.isEmpty() ? service.toString() : service + ":" + port;
    }
}
