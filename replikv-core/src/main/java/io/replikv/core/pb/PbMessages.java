package io.replikv.core.pb;

import io.replikv.core.codec.CodecRegistry;
import java.util.List;

/** The wire types of the primary/backup protocol, for registration with the codec. */
public final class PbMessages {
    private PbMessages() {}

    /** The first codec tag of primary/backup; its types use FIRST_TAG + their index in {@link #types()}. */
    public static final int FIRST_TAG = 200;

    /**
     * Every record of the primary/backup protocol that travels (the enum {@link PbMessage.Refusal}
     * needs no tag). Append only: a type's position is its tag (FIRST_TAG + index) forever.
     * {@code kv.Request}, {@code kv.Command.*} and {@code msg.*} are core types registered elsewhere.
     */
    public static List<Class<? extends Record>> types() {
        return List.of(
                PbMessage.Forward.class,       // 200
                PbMessage.Confirm.class,       // 201
                PbMessage.Accepted.class,      // 202
                PbMessage.Refused.class,       // 203
                PbMessage.StateChunk.class,    // 204
                PbMessage.ChunkAccepted.class, // 205
                PbMessage.Relay.class);        // 206
    }

    /** Registers {@link #types()} under FIRST_TAG + index: one call from {@code codec.Codecs.standardRegistry()}. */
    public static CodecRegistry.Builder register(CodecRegistry.Builder builder) {
        List<Class<? extends Record>> types = types();
        for (int i = 0; i < types.size(); i++) builder.register(FIRST_TAG + i, types.get(i));
        return builder;
    }
}
