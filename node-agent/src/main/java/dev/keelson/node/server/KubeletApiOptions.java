package dev.keelson.node.server;

import java.nio.file.Path;

/**
 * How the node agent serves its kubelet API.
 *
 * @param bindAddress where to listen ("0.0.0.0" as the kubelet does; a node IP when several
 *                    agents share a network namespace)
 * @param port the port (10250; 0 picks a free one, which is then reported in the Node's
 *             {@code daemonEndpoints})
 * @param caCert the cluster CA certificate (PEM), which signs the serving certificate and vets
 *               client certificates
 * @param caKey the CA's private key (PEM). On one machine this is the API server's
 *              {@code <data>/pki/ca.key}; node agents on other machines would need a CSR flow instead
 * @param requireClientCert whether callers must present a certificate from the cluster CA (the API
 *                          server's {@code apiserver-kubelet-client}); true unless testing
 */
public record KubeletApiOptions(String bindAddress, int port, Path caCert, Path caKey, boolean requireClientCert) {

    /** The kubelet's defaults (all addresses, port 10250, client certificates required) with the CA in {@code pkiDir}. */
    public static KubeletApiOptions fromPki(Path pkiDir) {
        return new KubeletApiOptions("0.0.0.0", 10250, pkiDir.resolve("ca.crt"), pkiDir.resolve("ca.key"), true);
    }

    public KubeletApiOptions withListen(String bind, int p) {
        return new KubeletApiOptions(bind, p, caCert, caKey, requireClientCert);
    }
}
