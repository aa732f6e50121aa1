package io.replikv.server.cli;

import io.replikv.server.storage.FsyncMode;
import picocli.CommandLine.ITypeConverter;

/** Parses {@code --fsync always|batch}. */
final class FsyncModeConverter implements ITypeConverter<FsyncMode> {
    @Override
    public FsyncMode convert(String value) {
        return FsyncMode.parse(value);
    }
}
