package io.replikv.sim.swarm;

import java.util.List;
import java.util.Optional;

/** The modes the swarm can run, by name. */
public final class SimModes {
    private SimModes() {}

    private static final List<SimMode> MODES = List.of(new SingleMode(), new PbMode(), new TwoPcMode(), new RaftMode());

    public static List<SimMode> all() {
        return MODES;
    }

    public static List<String> names() {
        return MODES.stream().map(SimMode::name).toList();
    }

    public static Optional<SimMode> byName(String name) {
        return MODES.stream().filter(m -> m.name().equals(name)).findFirst();
    }
}
