package io.replikv.core.viewservice;

import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.Envelope;
import io.replikv.core.NodeId;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The original view service test (specs §3, "Test1"), all nine steps in order on one service,
 * driven directly: the test pings on behalf of three servers, and "a server dies" means the test
 * stops pinging for it. One original sleep of 100 ms is one ping interval of 10 ticks. Then a few
 * cases of our own: the request count, a restarted backup, k = 2 backups.
 */
class ViewServiceTest {
    private static final NodeId VS = NodeId.of("vs");
    private static final NodeId CK1 = NodeId.of("ck1"), CK2 = NodeId.of("ck2"), CK3 = NodeId.of("ck3");

    private final ViewServiceConfig config = ViewServiceConfig.DEFAULT;
    private ViewServiceCore vs = new ViewServiceCore(VS, config);

    private View ping(NodeId server, long viewNumber) {
        vs.onMessage(server, new ViewServiceMessage.Ping(viewNumber));
        List<Envelope> sent = vs.drain().send();
        assertThat(sent).hasSize(1);
        assertThat(sent.getFirst().to()).isEqualTo(server);
        var reply = (ViewServiceMessage.PingReply) sent.getFirst().message();
        assertThat(reply.pingedNumber()).isEqualTo(viewNumber);
        return reply.view();
    }

    private View get(NodeId asker) {
        vs.onMessage(asker, new ViewServiceMessage.GetView(0));
        return ((ViewServiceMessage.ViewReply) vs.drain().send().getFirst().message()).view();
    }

    /** The original test's 100 ms sleep. */
    private void sleepPingInterval() {
        for (long i = 0; i < config.pingIntervalTicks(); i++) {
            vs.onTick();
            assertThat(vs.drain().send()).isEmpty(); // the service only ever answers
        }
    }

    private void check(NodeId asker, NodeId primary, NodeId backup, long number) {
        View v = get(asker);
        assertThat(v.primary()).as("primary of %s", v).isEqualTo(primary);
        assertThat(v.backups()).as("backups of %s", v).isEqualTo(backup == null ? List.of() : List.of(backup));
        if (number != 0) assertThat(v.number()).as("number of %s", v).isEqualTo(number);
    }

    @Test
    void theOriginalNineSteps() {
        assertThat(get(CK1).primary()).as("there was a primary too soon").isNull();
        step1FirstPrimary();
        step2FirstBackup();
        step3BackupTakesOverIfPrimaryFails();
        step4RestartedServerBecomesBackup();
        step5IdleThirdServerBecomesBackupIfPrimaryFails();
        step6RestartedPrimaryTreatedAsDead();
        step7DeadBackupIsRemovedFromView();
        step8TheServiceWaitsForThePrimary();
        step9AnUninitialisedServerCannotBecomePrimary();
    }

    /** 1. first primary */
    private void step1FirstPrimary() {
        for (int i = 0; i < config.deadPings() * 2; i++) {
            if (CK1.equals(ping(CK1, 0).primary())) break;
            sleepPingInterval();
        }
        check(CK1, CK1, null, 1);
    }

    /** 2. first backup */
    private void step2FirstBackup() {
        View vx = get(CK1);
        for (int i = 0; i < config.deadPings() * 2; i++) {
            ping(CK1, 1);
            if (ping(CK2, 0).backups().equals(List.of(CK2))) break;
            sleepPingInterval();
        }
        check(CK1, CK1, CK2, vx.number() + 1);
        assertThat(vx.number() + 1).isEqualTo(2);
    }

    /** 3. backup takes over if primary fails */
    private void step3BackupTakesOverIfPrimaryFails() {
        ping(CK1, 2);
        View vx = ping(CK2, 2);
        for (int i = 0; i < config.deadPings() * 2; i++) {
            View v = ping(CK2, vx.number());
            if (CK2.equals(v.primary()) && v.backups().isEmpty()) break;
            sleepPingInterval();
        }
        check(CK2, CK2, null, vx.number() + 1);
        assertThat(vx.number() + 1).isEqualTo(3);
    }

    /** 4. restarted server becomes backup */
    private void step4RestartedServerBecomesBackup() {
        View vx = get(CK2);
        ping(CK2, vx.number());
        for (int i = 0; i < config.deadPings() * 2; i++) {
            ping(CK1, 0);
            View v = ping(CK2, vx.number());
            if (CK2.equals(v.primary()) && v.backups().equals(List.of(CK1))) break;
            sleepPingInterval();
        }
        check(CK2, CK2, CK1, vx.number() + 1);
        assertThat(vx.number() + 1).isEqualTo(4);
    }

    /** 5. idle third server becomes backup if primary fails */
    private void step5IdleThirdServerBecomesBackupIfPrimaryFails() {
        View vx = get(CK2);
        ping(CK2, vx.number());
        for (int i = 0; i < config.deadPings() * 2; i++) {
            ping(CK3, 0);
            View v = ping(CK1, vx.number());
            if (CK1.equals(v.primary()) && v.backups().equals(List.of(CK3))) break;
            vx = v;
            sleepPingInterval();
        }
        check(CK1, CK1, CK3, vx.number() + 1);
        assertThat(vx.number() + 1).as("one change, no view without a backup in between").isEqualTo(5);
    }

    /** 6. restarted primary treated as dead */
    private void step6RestartedPrimaryTreatedAsDead() {
        View vx = get(CK1);
        ping(CK1, vx.number());
        for (int i = 0; i < config.deadPings() * 2; i++) {
            ping(CK1, 0);
            ping(CK3, vx.number());
            if (!CK1.equals(get(CK1).primary())) break;
            sleepPingInterval();
        }
        assertThat(get(CK1).primary()).isEqualTo(CK3);
    }

    /** 7. dead backup is removed from view */
    private void step7DeadBackupIsRemovedFromView() {
        for (int i = 0; i < config.deadPings() * 3; i++) {
            ping(CK3, get(CK3).number());
            sleepPingInterval();
        }
        check(CK3, CK3, null, 0);
    }

    /** 8. the service waits for the primary to acknowledge a view */
    private void step8TheServiceWaitsForThePrimary() {
        View vx = get(CK1);
        for (int i = 0; i < config.deadPings() * 3; i++) {
            ping(CK1, 0);
            ping(CK3, vx.number());
            if (get(CK1).number() > vx.number()) break;
            sleepPingInterval();
        }
        check(CK1, CK3, CK1, vx.number() + 1);
        View vy = get(CK1);
        for (int i = 0; i < config.deadPings() * 3; i++) {
            if (ping(CK1, vy.number()).number() > vy.number()) break; // ck3 never acknowledges vy
            sleepPingInterval();
        }
        check(CK2, CK3, CK1, vy.number());
    }

    /** 9. an uninitialised server cannot become primary */
    private void step9AnUninitialisedServerCannotBecomePrimary() {
        for (int i = 0; i < config.deadPings() * 2; i++) {
            View v = get(CK1);
            ping(CK1, v.number());
            ping(CK2, 0);
            ping(CK3, v.number());
            sleepPingInterval();
        }
        for (int i = 0; i < config.deadPings() * 2; i++) {
            ping(CK2, 0);
            sleepPingInterval();
        }
        assertThat(get(CK2).primary()).as("uninitialised server became primary").isNotEqualTo(CK2);
    }
    @Test
    void countsEveryPingAndViewRequest() {
        ping(CK1, 0);
        ping(CK1, 1);
        get(CK2);
        assertThat(vs.requestsHandled()).isEqualTo(3);
        sleepPingInterval();
        assertThat(vs.requestsHandled()).as("ticks are not requests").isEqualTo(3);
    }

    @Test
    void aRepeatedZeroPingOfANewBackupIsNotARestart() {
        ping(CK1, 0);
        ping(CK1, 1);
        assertThat(ping(CK2, 0).backups()).containsExactly(CK2);
        ping(CK2, 0); // its first reply was lost: it still knows nothing, so it lost nothing
        ping(CK1, 2);
        assertThat(get(CK1)).isEqualTo(new View(2, CK1, List.of(CK2)));
    }

    @Test
    void aRestartedBackupLeavesTheViewAndReturnsAsANewBackup() {
        ping(CK1, 0);
        ping(CK1, 1);
        ping(CK2, 0);
        ping(CK1, 2);
        ping(CK2, 2);
        ping(CK2, 0); // restarted with empty state
        assertThat(get(CK1)).isEqualTo(new View(3, CK1, List.of()));
        ping(CK1, 3);
        assertThat(get(CK1)).isEqualTo(new View(4, CK1, List.of(CK2)));
    }

    @Test
    void withTwoBackupsTheFirstLiveBackupIsPromotedAndTheSlotRefilled() {
        vs = new ViewServiceCore(VS, config.withBackupsMax(2));
        NodeId ck4 = NodeId.of("ck4");
        ping(CK1, 0);
        ping(CK1, 1);
        ping(CK2, 0);
        assertThat(get(CK1)).isEqualTo(new View(2, CK1, List.of(CK2)));
        ping(CK3, 0);
        ping(CK1, 2);
        assertThat(get(CK1)).isEqualTo(new View(3, CK1, List.of(CK2, CK3)));
        ping(CK1, 3);
        // ck1 falls silent; ck2, ck3 and a new ck4 keep pinging
        for (int i = 0; i < config.deadPings() + 1; i++) {
            ping(CK2, 3);
            ping(CK3, 3);
            ping(ck4, 0);
            sleepPingInterval();
        }
        assertThat(get(CK1)).isEqualTo(new View(4, CK2, List.of(CK3, ck4)));
    }
}
