package dev.trellis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class TrellisCliTest {

    @Test
    void everySubcommandIsRegisteredUnderItsOwnName() {
        CommandLine all = TrellisCli.commandLine();
        assertThat(all.getSubcommands()).containsKeys(TrellisCli.subcommandNames().toArray(String[]::new));
        for (String name : TrellisCli.subcommandNames()) {
            CommandLine sub = all.getSubcommands().get(name);
            String declared = sub.getCommand().getClass().getAnnotation(CommandLine.Command.class).name();
            assertThat(declared).as("the @Command name of %s", sub.getCommand().getClass().getSimpleName()).isEqualTo(name);
        }
    }

    @Test
    void aNamedSubcommandIsTheOnlyOneBuilt() {
        CommandLine proxyOnly = TrellisCli.commandLine("proxy", "--help");
        assertThat(proxyOnly.getSubcommands()).containsOnlyKeys("proxy");
    }

    @Test
    void helpListsEverySubcommand() {
        StringWriter out = new StringWriter();
        CommandLine cl = TrellisCli.commandLine("--help");
        cl.setOut(new PrintWriter(out, true));
        assertThat(cl.execute("--help")).isZero();
        cl.getSubcommands().forEach((name, sub) -> {
            if (!sub.getCommandSpec().usageMessage().hidden()) {
                assertThat(out.toString()).contains("\n  " + name + " ");
            }
        });
        assertThat(out.toString()).doesNotContain("demo-app");
    }

    @Test
    void anUnknownSubcommandIsRefusedWithTheList() {
        StringWriter err = new StringWriter();
        CommandLine cl = TrellisCli.commandLine("frobnicate");
        cl.setErr(new PrintWriter(err, true));
        assertThat(cl.execute("frobnicate")).isNotZero();
        assertThat(err.toString()).contains("frobnicate").contains("proxy");
    }

    @Test
    void subcommandHelpStillWorksAlone() {
        StringWriter out = new StringWriter();
        CommandLine cl = TrellisCli.commandLine("proxy", "--help");
        cl.setOut(new PrintWriter(out, true));
        assertThat(cl.execute("proxy", "--help")).isZero();
        assertThat(out.toString()).contains("Usage: trellis proxy").contains("--config");
    }
}
