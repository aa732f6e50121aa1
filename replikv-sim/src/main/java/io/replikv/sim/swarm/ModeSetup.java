package io.replikv.sim.swarm;

import io.replikv.core.client.ClientConfig;
import io.replikv.core.util.Invariants;
import io.replikv.core.util.Prng;
import io.replikv.sim.DiskSettings;
import io.replikv.sim.LinkSettings;

/**
 * What a {@link SimMode} needs to build one cluster for one seed.
 *
 * @param seed          the run's seed (the simulator's)
 * @param nodes         how many servers (replicas)
 * @param clients       how many clients (c1..cN)
 * @param client        the clients' timing
 * @param network       the default settings of every link during the fault phase
 * @param disk          the default disk of every node
 * @param traceLinesMax trace lines kept (a digest covers all of them anyway)
 * @param roundTripTicksMax the longest request and answer between two nodes, syncs included
 *                      ({@link SwarmOptions#roundTripTicksMax()}): a mode tunes its timeouts to it, as
 *                      a deployment tunes them to its network
 * @param prng          a stream for the mode's own per-seed choices (snapshot thresholds ...)
 * @param crashEveryRole crashes may hit the roles the mode otherwise protects ({@link SwarmOptions#crashEveryRole()})
 */
public record ModeSetup(long seed, int nodes, int clients, ClientConfig client, LinkSettings network, DiskSettings disk,
                        long roundTripTicksMax, int traceLinesMax, Prng prng, boolean crashEveryRole) {
    public ModeSetup {
        Invariants.check(nodes > 0 && clients > 0 && traceLinesMax > 0, "bad setup: %d nodes, %d clients, %d trace lines",
                nodes, clients, traceLinesMax);
    }
}
