package io.replikv.core;

/**
 * A protocol core: a pure, single-threaded, deterministic state machine. Its only inputs are
 * {@link #onMessage} and {@link #onTick}; its outputs are the {@link Effects} that the shell drains
 * after each input. It touches no sockets, files, threads, clocks or unseeded randomness; whatever
 * randomness it needs comes from a {@link io.replikv.core.util.Prng} handed to its constructor, and
 * whatever it recovers after a restart comes from the storage handed to its constructor.
 *
 * <p>The simulator (tests) and the server runtime (production) drive the same cores.
 */
public interface Node {
    NodeId id();

    /** A message arrived from {@code from} (a peer, a client, or a client connection of the runtime). */
    void onMessage(NodeId from, Message message);

    /** One unit of core time passed. The shell decides how many milliseconds a tick is. */
    void onTick();

    /** Takes the effects produced since the last drain. */
    Effects drain();

    /** What the node is and knows right now, for status pages, the CLI and test assertions. */
    NodeStatus status();
}
