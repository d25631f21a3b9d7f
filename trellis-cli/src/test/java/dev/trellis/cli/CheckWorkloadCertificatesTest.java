package dev.trellis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.controlplane.ca.Pem;
import dev.trellis.controlplane.ca.SpiffeId;
import dev.trellis.controlplane.ca.X509Issuer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * `trellis check --identity-dir` on a day-long workload certificate: the week-long default --warn-before applies
 * to the CA certificates of the chain and the trust bundle, while the leaf, which its sidecar renews, is worth a
 * warning only once less than a quarter of its own lifetime is left.
 */
class CheckWorkloadCertificatesTest {
    static final Instant ISSUED = Instant.parse("2026-11-26T00:00:00Z");

    @TempDir
    Path dir;

    @Test
    void aFreshDayLongLeafIsOkUnderTheDefaultWarnBefore() throws Exception {
        Path identity = identity(Duration.ofHours(24));
        Result r = check(identity, ISSUED.plus(Duration.ofHours(2)));
        assertThat(r.code).as(r.out).isZero();
        assertThat(r.out).contains("OK      identity").contains("in 22h");
    }

    @Test
    void aLeafPastThreeQuartersOfItsLifetimeWarns() throws Exception {
        Path identity = identity(Duration.ofHours(24));
        Result r = check(identity, ISSUED.plus(Duration.ofHours(19)));
        assertThat(r.code).as(r.out).isEqualTo(1);
        assertThat(r.out).contains("WARN    identity").contains("in 5h");
    }

    @Test
    void anExplicitWarnBeforeShorterThanAQuarterWins() throws Exception {
        Path identity = identity(Duration.ofHours(24));
        Result r = check(identity, ISSUED.plus(Duration.ofHours(19)), "--warn-before", "1h");
        assertThat(r.code).as(r.out).isZero();
    }

    @Test
    void theQuarterRuleNeverLengthensTheWarning() {
        assertThat(WorkloadCertificates.warnWithin(Duration.ofHours(168), Duration.ofHours(24))).isEqualTo(Duration.ofHours(6));
        assertThat(WorkloadCertificates.warnWithin(Duration.ofHours(1), Duration.ofHours(24))).isEqualTo(Duration.ofHours(1));
        assertThat(WorkloadCertificates.warnWithin(Duration.ofHours(168), null)).isEqualTo(Duration.ofHours(168));
    }

    /** A root valid for ten years and a leaf valid for {@code lifetime} from {@link #ISSUED}, as the CA writes them. */
    private Path identity(Duration lifetime) throws Exception {
        KeyPair rootKeys = X509Issuer.newKeyPair();
        X509Certificate root = X509Issuer.selfSignedRoot(rootKeys, "cluster.local", ISSUED, ISSUED.plus(Duration.ofDays(3650)));
        X509Certificate leaf = X509Issuer.workload(X509Issuer.newKeyPair().getPublic(),
                SpiffeId.parse("spiffe://cluster.local/ns/default/sa/catalog"), root, rootKeys.getPrivate(), ISSUED, ISSUED.plus(lifetime));
        Path identity = Files.createDirectories(dir.resolve("identity"));
        Files.writeString(identity.resolve("cert-chain.pem"), Pem.certificates(List.of(leaf, root)));
        Files.writeString(identity.resolve("root-cert.pem"), Pem.certificates(List.of(root)));
        return identity;
    }

    private record Result(int code, String out) {}

    /** The check at {@code now}; with certificate options alone, a control plane that does not answer is skipped. */
    private static Result check(Path identity, Instant now, String... extra) {
        CheckCommand command = new CheckCommand();
        command.clock = Clock.fixed(now, ZoneOffset.UTC);
        CommandLine c = new CommandLine(command);
        StringWriter out = new StringWriter();
        c.setOut(new PrintWriter(out, true));
        c.setErr(new PrintWriter(out, true));
        String[] args = new String[2 + extra.length];
        args[0] = "--identity-dir";
        args[1] = identity.toString();
        System.arraycopy(extra, 0, args, 2, extra.length);
        int code = c.execute(args);
        return new Result(code, out.toString());
    }
}
