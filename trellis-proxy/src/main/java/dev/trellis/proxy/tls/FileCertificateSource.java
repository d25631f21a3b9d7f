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
        return parse(dir, Contents.read(dir));
    }

    private static WorkloadIdentity parse(Path dir, Contents files) {
        return new WorkloadIdentity(PemFiles.privateKey(files.key(), dir.resolve(KEY).toString()),
                PemFiles.certificates(files.chain(), dir.resolve(CERT_CHAIN).toString()),
                PemFiles.certificates(files.roots(), dir.resolve(ROOT_CERT).toString()));
    }

    @Override
    public void start(Consumer<WorkloadIdentity> onIdentity) {
        poll(onIdentity); // the first identity before any connection, when the files are there
        long every = pollInterval.toMillis();
        poller.scheduleWithFixedDelay(() -> poll(onIdentity), every, every, TimeUnit.MILLISECONDS);
    }

    private synchronized void poll(Consumer<WorkloadIdentity> onIdentity) {
        try {
            // one read serves both the change check and the parse, so a set of contents is taken at most once
            Contents files = Contents.read(dir);
            String stamp = files.digest();
            if (stamp.equals(seen)) {
                return;
            }
            WorkloadIdentity id = parse(dir, files);
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

    /** The three files' text, read together. */
    private record Contents(String chain, String key, String roots) {
        static Contents read(Path dir) throws IOException {
            return new Contents(Files.readString(dir.resolve(CERT_CHAIN), StandardCharsets.US_ASCII),
                    Files.readString(dir.resolve(KEY), StandardCharsets.US_ASCII),
                    Files.readString(dir.resolve(ROOT_CERT), StandardCharsets.US_ASCII));
        }

        /** A digest of all three (a few KB): any change to any file changes it. */
        String digest() {
            try {
                MessageDigest digest = MessageDigest.getInstance("SHA-256");
                for (String text : List.of(chain, key, roots)) {
                    digest.update(text.getBytes(StandardCharsets.US_ASCII));
                    digest.update((byte) 0);
                }
                return HexFormat.of().formatHex(digest.digest());
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
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
