package dev.trellis.proxy.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The identity from a directory, as Istio's agent writes it: {@code cert-chain.pem} (the workload
 * certificate, then intermediates), {@code key.pem} and {@code root-cert.pem} (the trust bundle). The
 * files are read at start and again whenever their contents change (polled), so replacing them rotates the
 * certificate; a half-written set is skipped and read again on the next poll.
 */
public final class FileCertificateSource implements CertificateSource {
    public static final String CERT_CHAIN = "cert-chain.pem";
    public static final String KEY = "key.pem";
    public static final String ROOT_CERT = "root-cert.pem";
    private static final Logger log = LoggerFactory.getLogger(FileCertificateSource.class);

    private final Path dir;
    private final Duration pollInterval;
    private final ScheduledExecutorService poller;
    private String seen = "";
    private String lastError;

    public FileCertificateSource(Path dir, Duration pollInterval) {
        this.dir = Objects.requireNonNull(dir, "dir");
        this.pollInterval = pollInterval;
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "trellis-identity-files");
            t.setDaemon(true);
            return t;
        });
    }

    /** Reads the directory once. */
    public static WorkloadIdentity read(Path dir) throws IOException {
        String chain = Files.readString(dir.resolve(CERT_CHAIN), StandardCharsets.US_ASCII);
        String key = Files.readString(dir.resolve(KEY), StandardCharsets.US_ASCII);
        String roots = Files.readString(dir.resolve(ROOT_CERT), StandardCharsets.US_ASCII);
        return new WorkloadIdentity(PemFiles.privateKey(key, dir.resolve(KEY).toString()),
                PemFiles.certificates(chain, dir.resolve(CERT_CHAIN).toString()),
                PemFiles.certificates(roots, dir.resolve(ROOT_CERT).toString()));
    }

    @Override
    public void start(Consumer<WorkloadIdentity> onIdentity) {
        poll(onIdentity); // the first identity before any connection, when the files are there
        long every = pollInterval.toMillis();
        poller.scheduleWithFixedDelay(() -> poll(onIdentity), every, every, TimeUnit.MILLISECONDS);
    }

    private synchronized void poll(Consumer<WorkloadIdentity> onIdentity) {
        String stamp = stamp();
        if (stamp.equals(seen)) {
            return;
        }
        try {
            WorkloadIdentity id = read(dir);
            seen = stamp;
            lastError = null;
            log.info("workload identity {} from {} (valid until {})", id.spiffeId(), dir, id.notAfter());
            onIdentity.accept(id);
        } catch (IOException | RuntimeException e) {
            String error = e instanceof NoSuchFileException ? "missing " + e.getMessage() : e.getMessage();
            if (!Objects.equals(error, lastError)) {
                log.warn("workload identity in {}: {} (keeping the previous one; retrying)", dir, error);
                lastError = error;
            }
        }
    }

    /** A digest of the three files' contents (a few KB, read once a poll): any change changes it. */
    private String stamp() {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String name : List.of(CERT_CHAIN, KEY, ROOT_CERT)) {
                try {
                    digest.update(Files.readAllBytes(dir.resolve(name)));
                } catch (IOException e) {
                    digest.update((byte) 0);
                }
                digest.update((byte) ';');
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String describe() {
        return "files in " + dir;
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
