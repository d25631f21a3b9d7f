package dev.trellis.cli;

import picocli.CommandLine;

final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = TrellisCli.class.getPackage().getImplementationVersion();
        return new String[] {"trellis " + (v == null ? "dev" : v)};
    }
}
