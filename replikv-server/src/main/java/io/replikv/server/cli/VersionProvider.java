package io.replikv.server.cli;

import io.replikv.server.resp.Commands;
import picocli.CommandLine;

final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"replikv " + Commands.VERSION};
    }
}
