package io.replikv.core.vsraft;

import io.replikv.core.codec.CodecRegistry;
import java.util.List;

/**
 * The wire types of the replicated view service, for registration with the codec. They share the
 * view-service range 100–199 with {@link io.replikv.core.viewservice.ViewServiceMessages} (100–104)
 * and start at 120 to leave that list room to grow.
 */
public final class VsRaftMessages {
    private VsRaftMessages() {}

    /** The first codec tag; a type's tag is FIRST_TAG + its index in {@link #types()}. */
    public static final int FIRST_TAG = 120;

    /** Append only: a type's position is its tag (FIRST_TAG + index) forever. */
    public static List<Class<? extends Record>> types() {
        return List.of(
                VsRaftMessage.RelayRequest.class,  // 120
                VsRaftMessage.RelayReply.class);   // 121
    }

    /** Registers {@link #types()} under FIRST_TAG + index: one call from {@code codec.Codecs.standardRegistry()}. */
    public static CodecRegistry.Builder register(CodecRegistry.Builder builder) {
        List<Class<? extends Record>> types = types();
        for (int i = 0; i < types.size(); i++) builder.register(FIRST_TAG + i, types.get(i));
        return builder;
    }
}
