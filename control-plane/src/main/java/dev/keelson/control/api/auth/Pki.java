package dev.keelson.control.api.auth;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * The cluster's certificates, in {@code <data>/pki}: a CA ({@code ca.crt}, {@code ca.key}) and the
 * API server's serving certificate signed by it ({@code apiserver.crt}, {@code apiserver.key}),
 * ECDSA P-256. Generated on first start and reused after; private keys are written 0600. The
 * serving certificate is re-issued when a name it must cover (127.0.0.1, ::1, localhost, the host
 * name, configured extra names) is missing from it.
 */
public final class Pki {
    private static final Duration CA_LIFETIME = Duration.ofDays(3650);
    private static final Duration SERVING_LIFETIME = Duration.ofDays(365);
    private final X509Certificate ca;
    private final PrivateKey caKey;
    private final X509Certificate serving;
    private final PrivateKey servingKey;
    private final X509Certificate kubeletClient;
    private final PrivateKey kubeletClientKey;

    private Pki(X509Certificate ca, PrivateKey caKey, X509Certificate serving, PrivateKey servingKey,
                X509Certificate kubeletClient, PrivateKey kubeletClientKey) {
        this.ca = ca;
        this.caKey = caKey;
        this.serving = serving;
        this.servingKey = servingKey;
        this.kubeletClient = kubeletClient;
        this.kubeletClientKey = kubeletClientKey;
    }

    /** Loads the PKI from {@code dir}, creating what is missing. */
    public static Pki loadOrCreate(Path dir, List<String> extraNames) throws IOException {
        Files.createDirectories(dir);
        try {
            Path caCrt = dir.resolve("ca.crt");
            Path caKeyFile = dir.resolve("ca.key");
            X509Certificate ca;
            PrivateKey caKey;
            if (Files.exists(caCrt) && Files.exists(caKeyFile)) {
                ca = dev.keelson.control.client.Pem.certificate(caCrt);
                caKey = dev.keelson.control.client.Pem.privateKey(caKeyFile);
            } else {
                KeyPair kp = keyPair();
                ca = issue(new X500Name("CN=keelson-ca"), kp, new X500Name("CN=keelson-ca"), kp.getPrivate(), null,
                        CA_LIFETIME, true, List.of());
                caKey = kp.getPrivate();
                writeKey(caKeyFile, caKey);
                writePem(caCrt, ca);
            }
            Set<String> names = names(extraNames);
            Path crt = dir.resolve("apiserver.crt");
            Path keyFile = dir.resolve("apiserver.key");
            X509Certificate serving = null;
            PrivateKey key = null;
            if (Files.exists(crt) && Files.exists(keyFile)) {
                serving = dev.keelson.control.client.Pem.certificate(crt);
                key = dev.keelson.control.client.Pem.privateKey(keyFile);
                if (!covers(serving, names) || serving.getNotAfter().toInstant().isBefore(Instant.now().plus(Duration.ofDays(30)))
                        || !serving.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
                    serving = null;
                }
            }
            if (serving == null) {
                KeyPair kp = keyPair();
                serving = issue(new X500Name("CN=keelson-apiserver"), kp, new X500Name(ca.getSubjectX500Principal().getName()),
                        caKey, ca, SERVING_LIFETIME, false, List.copyOf(names));
                key = kp.getPrivate();
                writeKey(keyFile, key);
                writePem(crt, serving);
            }
            // The identity the API server shows node agents when it proxies logs and exec (kubeadm's
            // apiserver-kubelet-client): client authentication only, no names.
            Path clientCrt = dir.resolve("apiserver-kubelet-client.crt");
            Path clientKeyFile = dir.resolve("apiserver-kubelet-client.key");
            X509Certificate client = null;
            PrivateKey clientKey = null;
            if (Files.exists(clientCrt) && Files.exists(clientKeyFile)) {
                client = dev.keelson.control.client.Pem.certificate(clientCrt);
                clientKey = dev.keelson.control.client.Pem.privateKey(clientKeyFile);
                if (client.getNotAfter().toInstant().isBefore(Instant.now().plus(Duration.ofDays(30)))
                        || !client.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
                    client = null;
                }
            }
            if (client == null) {
                KeyPair kp = keyPair();
                client = issue(new X500Name("O=system:masters,CN=keelson-apiserver-kubelet-client"), kp,
                        new X500Name(ca.getSubjectX500Principal().getName()), caKey, ca, SERVING_LIFETIME, false, null);
                clientKey = kp.getPrivate();
                writeKey(clientKeyFile, clientKey);
                writePem(clientCrt, client);
            }
            return new Pki(ca, caKey, serving, key, client, clientKey);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot set up the PKI in " + dir + ": " + e.getMessage(), e);
        }
    }

    public X509Certificate ca() {
        return ca;
    }

    public X509Certificate serving() {
        return serving;
    }

    /** The CA in PEM form (what kubeconfigs embed). */
    public String caPem() {
        return pem(ca);
    }

    /** A key store holding the serving key and its chain, for the TLS connector. */
    public KeyStore servingKeyStore(char[] password) throws GeneralSecurityException, IOException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("apiserver", servingKey, password, new X509Certificate[] {serving, ca});
        return ks;
    }

    /** An SSL context that trusts exactly this CA (for clients: tests, the log proxy). */
    public SSLContext clientContext() throws GeneralSecurityException, IOException {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, trustManagers(), new SecureRandom());
        return ctx;
    }

    /**
     * An SSL context for calling node agents: trusts exactly this CA and presents the
     * {@code apiserver-kubelet-client} certificate, which node agents require.
     */
    public SSLContext kubeletClientContext() throws GeneralSecurityException, IOException {
        char[] pw = new char[0];
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("kubelet-client", kubeletClientKey, pw, new X509Certificate[] {kubeletClient, ca});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, pw);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), trustManagers(), new SecureRandom());
        return ctx;
    }

    private javax.net.ssl.TrustManager[] trustManagers() throws GeneralSecurityException, IOException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        return tmf.getTrustManagers();
    }

    /** The CA key, for issuing node certificates (node agent bootstrap comes later). */
    PrivateKey caKey() {
        return caKey;
    }

    private static Set<String> names(List<String> extra) {
        Set<String> names = new LinkedHashSet<>(List.of("127.0.0.1", "::1", "localhost"));
        try {
            names.add(InetAddress.getLocalHost().getHostName());
        } catch (IOException e) {
            // No resolvable host name: the loopback names still cover local use.
        }
        names.addAll(extra);
        return names;
    }

    private static boolean covers(X509Certificate cert, Set<String> names) throws GeneralSecurityException {
        Set<String> have = new LinkedHashSet<>();
        var sans = cert.getSubjectAlternativeNames();
        if (sans != null) {
            for (List<?> san : sans) {
                have.add(normalise(String.valueOf(san.get(1))));
            }
        }
        for (String n : names) {
            if (!have.contains(normalise(n))) {
                return false;
            }
        }
        return true;
    }

    private static String normalise(String name) {
        if (isIp(name)) {
            try {
                return InetAddress.getByName(name).getHostAddress();
            } catch (IOException e) {
                return name;
            }
        }
        return name.toLowerCase(java.util.Locale.ROOT);
    }

    private static boolean isIp(String name) {
        return name.matches("[0-9.]+") || name.contains(":");
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static X509Certificate issue(X500Name subject, KeyPair subjectKeys, X500Name issuer, PrivateKey issuerKey,
                                         X509Certificate issuerCert, Duration lifetime, boolean isCa, List<String> names)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        Instant now = Instant.now();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, new BigInteger(127, new SecureRandom()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(lifetime)), subject, subjectKeys.getPublic());
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
        b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(subjectKeys.getPublic()));
        if (isCa) {
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
        } else {
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(issuerCert));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        }
        if (!isCa && names == null) {
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
        } else if (!isCa) {
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            List<GeneralName> sans = new ArrayList<>();
            for (String n : names) {
                sans.add(new GeneralName(isIp(n) ? GeneralName.iPAddress : GeneralName.dNSName, n));
            }
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)));
        }
        X509CertificateHolder holder = b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey));
        return new JcaX509CertificateConverter().getCertificate(holder);
    }

    private static void writeKey(Path file, PrivateKey key) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        // PKCS#8 ("PRIVATE KEY") keeps the curve in the algorithm identifier, which the JDK requires.
        try {
            Files.writeString(file, pem(new JcaPKCS8Generator(key, null)));
        } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
            throw new IOException("cannot encode the private key for " + file, e);
        }
    }

    private static void writePem(Path file, Object o) throws IOException {
        Files.writeString(file, pem(o));
    }

    private static String pem(Object o) {
        StringWriter sw = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
            w.writeObject(o);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return sw.toString();
    }
}
