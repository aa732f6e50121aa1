package io.replikv.server.runtime;

import io.replikv.core.storage.Storage;
import io.replikv.core.util.Prng;

/**
 * Everything a {@link ModeFactory} gets to build a node: the configuration, the node's storage
 * (already recovered; the core reads it once when constructed and writes it only through
 * persist effects), and its random generator.
 */
public record ModeContext(NodeConfig config, Storage storage, Prng prng) {}
