package dev.trellis.proxy.tls;

import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/** Reads SPIFFE IDs (URI subject alternative names) from certificates and TLS sessions. */
public final class PeerCertificates {
    private static final int URI_SAN = 6;

    private PeerCertificates() {}

    public static List<String> uris(X509Certificate cert) {
        List<String> out = new ArrayList<>(1);
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (san.size() >= 2 && Integer.valueOf(URI_SAN).equals(san.get(0))) {
                        out.add(String.valueOf(san.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // an unreadable SAN extension names nobody
        }
        return out;
    }

    /** The certificate's SPIFFE ID: its one spiffe:// URI SAN, or null when it has none or several. */
    public static String spiffeId(X509Certificate cert) {
        String found = null;
        for (String uri : uris(cert)) {
            if (uri.startsWith("spiffe://")) {
                if (found != null) {
                    return null;
                }
                found = uri;
            }
        }
        return found;
    }

    /** The SPIFFE ID the peer of a completed handshake proved, or null. */
    public static String spiffeId(SSLSession session) {
        try {
            Certificate[] peer = session.getPeerCertificates();
            return peer.length > 0 && peer[0] instanceof X509Certificate x ? spiffeId(x) : null;
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }

    /** "cluster.local" of "spiffe://cluster.local/ns/default/sa/web". */
    public static String trustDomain(String spiffeId) {
        String rest = spiffeId.substring("spiffe://".length());
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(0, slash);
    }
}
