package io.replikv.server.storage;

import java.io.IOException;

/** Another process (or another storage in this one) has the data directory open. */
public final class DataDirLockedException extends IOException {
    public DataDirLockedException(String message) {
        super(message);
    }
}
