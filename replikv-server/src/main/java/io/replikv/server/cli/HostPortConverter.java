package io.replikv.server.cli;

import io.replikv.server.transport.HostPort;
import picocli.CommandLine;

/** picocli converter for HOST:PORT options. */
final class HostPortConverter implements CommandLine.ITypeConverter<HostPort> {
    @Override
    public HostPort convert(String value) {
        try {
            return HostPort.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
