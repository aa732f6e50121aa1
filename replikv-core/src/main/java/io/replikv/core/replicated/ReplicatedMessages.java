package io.replikv.core.replicated;

import io.replikv.core.codec.CodecRegistry;
import java.util.List;

/**
 * The wire types of {@link ReplicatedNode}, for registration with the codec. They share the
 * view-service range 100–199 with {@code viewservice.ViewServiceMessages} (100–104), and own
 * 130–139. 120 and 121 were the retired bespoke replicated view service's: never reuse them.
 */
public final class ReplicatedMessages {
    private ReplicatedMessages() {}

    /** The first codec tag; a type's tag is FIRST_TAG + its index in {@link #types()}. */
    public static final int FIRST_TAG = 130;

    /** Append only: a type's position is its tag (FIRST_TAG + index) forever; at most 10 (130–139). */
    public static List<Class<? extends Record>> types() {
        return List.of(
                ReplicatedMessage.Relay.class,      // 130
                ReplicatedMessage.RelayBack.class); // 131
    }

    /** Registers {@link #types()} under FIRST_TAG + index: one call from {@code codec.Codecs.standardRegistry()}. */
    public static CodecRegistry.Builder register(CodecRegistry.Builder builder) {
        List<Class<? extends Record>> types = types();
        for (int i = 0; i < types.size(); i++) builder.register(FIRST_TAG + i, types.get(i));
        return builder;
    }
}
