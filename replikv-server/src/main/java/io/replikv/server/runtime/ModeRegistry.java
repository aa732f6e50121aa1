package io.replikv.server.runtime;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The modes this build can run, by name. */
public final class ModeRegistry {
    /** Every mode replikv has or will have; those without a factory are "not available yet". */
    public static final List<String> PLANNED_MODES = List.of("single", "pb", "2pc", "raft");

    private final Map<String, ModeFactory> factories = new TreeMap<>();

    /** The modes built into this release. */
    public static ModeRegistry standard() {
        return new ModeRegistry().register(new SingleModeFactory()).register(new RaftModeFactory())
                .register(new TwoPcModeFactory())
                .register(new PbModeFactory());
    }

    public ModeRegistry register(ModeFactory factory) {
        factories.put(factory.mode(), factory);
        return this;
    }

    public boolean available(String mode) {
        return factories.containsKey(mode);
    }

    public ModeFactory lookup(String mode) throws ModeUnavailableException {
        ModeFactory f = factories.get(mode);
        if (f != null) return f;
        if (PLANNED_MODES.contains(mode)) throw new ModeUnavailableException("mode " + mode + " is not available yet");
        throw new ModeUnavailableException("unknown mode '" + mode + "' (modes: single, pb, 2pc, raft)");
    }
}
