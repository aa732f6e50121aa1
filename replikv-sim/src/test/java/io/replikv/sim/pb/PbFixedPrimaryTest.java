package io.replikv.sim.pb;

import static io.replikv.sim.pb.PbSim.SECOND;
import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.NodeId;
import io.replikv.core.kv.Request;
import io.replikv.core.pb.PbMessage;
import io.replikv.sim.Commands;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fixed-primary scenario: a backup accepts forwards and state only from the primary of the
 * view it holds. A server that is not that primary (here an impostor node that knows the view
 * number and the next index) sends a forward, a read confirmation and a state chunk; each backup
 * refuses them all, its state stays the primary's, and after a failover the promoted backup serves
 * the true value.
 */
class PbFixedPrimaryTest {
    @ParameterizedTest(name = "backups={0}")
    @ValueSource(ints = {1, 2})
    void backupsIgnoreForwardsThatDoNotComeFromThePrimaryOfTheirView(int backups) {
        PbSim p = new PbSim(1, backups, 1);
        NodeId impostor = NodeId.of("s9");
        p.c.simulator().addNode(impostor, (id, prng, storage) -> new ClerkNode(id));
        p.sleep(SECOND);
        p.start(1);
        p.sleep(SECOND);
        for (int n = 2; n <= 1 + backups; n++) p.start(n);
        p.pollView(v -> v.backups().size() == backups, SECOND);
        assertThat(p.poll(p::stable, SECOND)).as(p.c.seedHint()).isTrue();
        p.put(0, "a", "true");

        long number = p.view().number();
        List<NodeId> targets = new ArrayList<>(p.view().backups());
        ClerkNode evil = p.c.node(impostor, ClerkNode.class);
        for (NodeId backup : targets) {
            long next = p.server(backup).index() + 1;
            evil.queue(backup, new PbMessage.Forward(number, 1, next, new Request(77, 1, Commands.put("a", "evil"))));
            evil.queue(backup, new PbMessage.Confirm(number, 2, next - 1));
            evil.queue(backup, new PbMessage.StateChunk(number, 3, 0, 1, 0, io.replikv.core.util.Bytes.of("junk")));
        }
        p.sleep(5);
        assertThat(evil.receivedCount()).isEqualTo(3 * targets.size());
        for (int i = 0; i < evil.receivedCount(); i++) {
            assertThat(evil.received(i)).isInstanceOfSatisfying(PbMessage.Refused.class,
                    r -> assertThat(r.reason()).isEqualTo(PbMessage.Refusal.NOT_PRIMARY));
        }
        for (NodeId backup : targets) assertThat(p.server(backup).synced()).isTrue();
        p.checkReplicasAgree();

        p.kill(p.primary());
        p.pollView(v -> targets.getFirst().equals(v.primary()), SECOND);
        p.check(0, "a", "true");
        p.checkLinearizable();
    }
}
