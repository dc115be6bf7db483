package dev.keelson.node.server;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The kubelet API's TLS identity: a fresh ECDSA P-256 serving certificate for the node's names and
 * addresses, signed by the cluster CA (the API server verifies it against that CA when it proxies
 * {@code pods/log} and {@code pods/exec}). It lives only in memory and is re-issued at every start,
 * so nothing of it is left on disk. The same CA is the trust anchor for client certificates.
 *
 * <p>Signing on the node needs the CA key; a one-machine cluster shares the API server's
 * {@code <data>/pki}. A multi-machine deployment would have the control plane sign a CSR instead
 * (the kubelet's serving-certificate bootstrap), which is not built.
 */
public final class ServingCertificate {
    private static final Duration LIFETIME = Duration.ofDays(365);

    private final X509Certificate ca;
    private final X509Certificate cert;
    private final PrivateKey key;

    private ServingCertificate(X509Certificate ca, X509Certificate cert, PrivateKey key) {
        this.ca = ca;
        this.cert = cert;
        this.key = key;
    }

    /**
     * Issues a serving certificate covering {@code names} (host names or IP literals) with the CA in
     * {@code caCert}/{@code caKey} (PEM).
     *
     * @throws IOException when the CA files cannot be read or signing fails
     */
    public static ServingCertificate issue(Path caCert, Path caKey, String nodeName, List<String> names)
            throws IOException {
        try {
            X509Certificate ca = dev.keelson.control.client.Pem.certificate(caCert);
            PrivateKey signer = dev.keelson.control.client.Pem.privateKey(caKey);
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair kp = g.generateKeyPair();
            Instant now = Instant.now();
            var b = new JcaX509v3CertificateBuilder(new X500Name(ca.getSubjectX500Principal().getName()),
                    new BigInteger(127, new SecureRandom()), Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(LIFETIME)), new X500Name("CN=" + nodeName + "@kubelet"), kp.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            List<GeneralName> sans = new ArrayList<>();
            for (String n : covered(nodeName, names)) {
                boolean ip = n.matches("[0-9.]+") || n.contains(":");
                sans.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, n));
            }
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)));
            X509CertificateHolder h = b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer));
            return new ServingCertificate(ca, new JcaX509CertificateConverter().getCertificate(h), kp.getPrivate());
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot issue the kubelet serving certificate from " + caCert + ": " + e.getMessage(), e);
        }
    }

    private static Set<String> covered(String nodeName, List<String> names) {
        Set<String> all = new LinkedHashSet<>(List.of(nodeName, "localhost", "127.0.0.1"));
        all.addAll(names);
        try {
            all.add(InetAddress.getLocalHost().getHostName());
            // The node IP may be picked later (the first non-loopback address): cover every local address.
            for (var nic : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress a : java.util.Collections.list(nic.getInetAddresses())) {
                    String h = a.getHostAddress();
                    all.add(h.contains("%") ? h.substring(0, h.indexOf('%')) : h);
                }
            }
        } catch (IOException e) {
            // no resolvable host name or interface list: the node name and given addresses still cover the API server's use
        }
        return all;
    }

    /** The issued certificate. */
    public X509Certificate certificate() {
        return cert;
    }

    /** The cluster CA that signed it. */
    public X509Certificate ca() {
        return ca;
    }

    /** A server TLS context presenting this certificate and trusting the cluster CA for client certificates. */
    public SSLContext serverContext() throws IOException {
        try {
            char[] pw = new char[0];
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("kubelet", key, pw, new X509Certificate[] {cert, ca});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, pw);
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", ca);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot build the kubelet TLS context: " + e.getMessage(), e);
        }
    }
}
