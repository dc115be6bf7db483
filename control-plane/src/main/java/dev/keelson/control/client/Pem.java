package dev.keelson.control.client;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Reads the cluster's PEM files: a certificate, and a private key in either of the forms the
 * cluster's tools write (SEC1/PKCS#1 key pairs or PKCS#8). Shared by the API server's PKI and the
 * node agent, which signs its serving certificate with the cluster CA.
 */
public final class Pem {
    private Pem() {}

    /** @throws IOException naming the file when it holds no PEM certificate */
    public static X509Certificate certificate(Path file) throws IOException, GeneralSecurityException {
        try (Reader r = Files.newBufferedReader(file); PEMParser p = new PEMParser(r)) {
            if (!(p.readObject() instanceof X509CertificateHolder h)) {
                throw new IOException(file + " does not hold a PEM certificate");
            }
            return new JcaX509CertificateConverter().getCertificate(h);
        }
    }

    /** @throws IOException naming the file when it holds no PEM private key */
    public static PrivateKey privateKey(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file); PEMParser p = new PEMParser(r)) {
            Object o = p.readObject();
            JcaPEMKeyConverter c = new JcaPEMKeyConverter();
            if (o instanceof PEMKeyPair kp) {
                return c.getPrivateKey(kp.getPrivateKeyInfo());
            }
            if (o instanceof PrivateKeyInfo info) {
                return c.getPrivateKey(info);
            }
            throw new IOException(file + " does not hold a PEM private key");
        }
    }
}
