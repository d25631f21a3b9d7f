package dev.trellis.proxy.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/** PEM text to certificates and keys, and back. */
public final class PemFiles {
    private PemFiles() {}

    /** @throws IllegalArgumentException naming {@code what} when the text holds no readable certificate */
    public static List<X509Certificate> certificates(String pem, String what) {
        try {
            List<X509Certificate> out = new ArrayList<>();
            CertificateFactory f = CertificateFactory.getInstance("X.509");
            for (var c : f.generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new IllegalArgumentException(what + ": no certificate (expected: PEM BEGIN CERTIFICATE blocks)");
            }
            return out;
        } catch (CertificateException e) {
            throw new IllegalArgumentException(what + ": unreadable certificate (" + e.getMessage() + ")", e);
        }
    }

    /** PKCS#8 ("PRIVATE KEY") or the traditional EC/RSA forms. */
    public static PrivateKey privateKey(String pem, String what) {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object o;
            while ((o = parser.readObject()) != null) {
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (o instanceof PEMKeyPair pair) {
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(what + ": unreadable private key (" + e.getMessage() + ")", e);
        }
        throw new IllegalArgumentException(what + ": no private key (expected: a PEM PRIVATE KEY block)");
    }

    /** Certificates, CSRs, and private keys as PKCS#8. */
    public static String of(Object... objects) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            for (Object o : objects) {
                w.writeObject(o instanceof PrivateKey key ? new JcaPKCS8Generator(key, null) : o);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
