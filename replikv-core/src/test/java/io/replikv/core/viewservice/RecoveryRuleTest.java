package io.replikv.core.viewservice;

import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.NodeId;
import io.replikv.core.viewservice.RecoveryRule.Claim;
import io.replikv.core.viewservice.RecoveryRule.Vouch;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The whole-cluster recovery rule of mode pb (docs/pb.md): which restarted server's disk provably
 * holds every acknowledged write, given the view service's newest view V and the one before it.
 */
class RecoveryRuleTest {
    static final NodeId S1 = NodeId.of("s1"), S2 = NodeId.of("s2"), S3 = NodeId.of("s3");
    static final View V6 = new View(6, S1, List.of(S2));
    static final View V7 = new View(7, S1, List.of(S3)); // s2 left, s3 joined

    @Test
    void aSyncedMemberOfTheNewestViewQualifies() {
        assertThat(RecoveryRule.qualifies(V7, V6, null, S1, new Claim(7, 40))).isTrue();
        assertThat(RecoveryRule.qualifies(V7, V6, null, S3, new Claim(7, 40))).isTrue();
    }

    @Test
    void aMemberOfBothViewsThatNeverLearnedTheNewestQualifies() {
        // s1 never learned view 7, so view 7 acknowledged nothing; it holds all of view 6
        assertThat(RecoveryRule.qualifies(V7, V6, null, S1, new Claim(6, 30))).isTrue();
    }

    @Test
    void aServerThatLeftTheViewDoesNotQualifyEvenWithTheViewBefore() {
        // s2 was synced in view 6, but view 7 may have acknowledged writes without it
        assertThat(RecoveryRule.qualifies(V7, V6, null, S2, new Claim(6, 30))).isFalse();
        // s3 joined in view 7; a claim of view 6 would be from before it held the state
        assertThat(RecoveryRule.qualifies(V7, V6, null, S3, new Claim(6, 30))).isFalse();
    }

    @Test
    void olderClaimsAndNoClaimNeverQualify() {
        assertThat(RecoveryRule.qualifies(V7, V6, null, S1, new Claim(5, 30))).isFalse();
        assertThat(RecoveryRule.qualifies(V7, V6, null, S1, null)).isFalse();
        assertThat(RecoveryRule.qualifies(V7, new View(4, S1, List.of()), null, S1, new Claim(6, 1))).isFalse();
    }

    @Test
    void theViewMadeFromAClaimStillAcceptsThatClaim() {
        View v8 = new View(8, S1, List.of());
        Vouch madeFrom = new Vouch(S1, new Claim(6, 30));
        assertThat(RecoveryRule.qualifies(v8, V7, madeFrom, S1, new Claim(6, 30))).isTrue();
        assertThat(RecoveryRule.qualifies(v8, V7, madeFrom, S1, new Claim(6, 29))).isFalse();
        assertThat(RecoveryRule.qualifies(v8, V7, null, S1, new Claim(6, 30))).isFalse();
    }

    @Test
    void choosesTheNewestClaimThenTheHighestIndexThenThePrimary() {
        TreeMap<NodeId, Claim> claims = new TreeMap<>();
        claims.put(S2, new Claim(6, 99)); // does not qualify
        claims.put(S3, new Claim(7, 10));
        claims.put(S1, new Claim(6, 50));
        assertThat(RecoveryRule.choose(V7, V6, null, claims)).isEqualTo(S3);
        claims.put(S1, new Claim(7, 11));
        assertThat(RecoveryRule.choose(V7, V6, null, claims)).isEqualTo(S1);
        claims.put(S3, new Claim(7, 11));
        assertThat(RecoveryRule.choose(V7, V6, null, claims)).as("a tie goes to the primary").isEqualTo(S1);
        claims.remove(S1);
        claims.remove(S3);
        assertThat(RecoveryRule.choose(V7, V6, null, claims)).isNull();
    }
}
