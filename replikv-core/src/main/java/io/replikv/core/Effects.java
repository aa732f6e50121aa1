package io.replikv.core;

import io.replikv.core.storage.PersistOp;
import java.util.List;

/**
 * What a core asks its shell to do, drained after every input. The shell must:
 * <ol>
 *   <li>send {@link #send} now (these do not depend on anything being durable);</li>
 *   <li>apply {@link #persist} to the node's storage in order and make it durable (sync);</li>
 *   <li>only then send {@link #sendAfterPersist} (acks, votes: persist-before-send is in the type);</li>
 *   <li>report {@link #completions} (a client core's finished operations) to whoever invoked them.</li>
 * </ol>
 */
public record Effects(List<Envelope> send, List<PersistOp> persist, List<Envelope> sendAfterPersist,
                      List<Completion> completions) {
    public static final Effects NONE = new Effects(List.of(), List.of(), List.of(), List.of());

    public Effects {
        send = List.copyOf(send);
        persist = List.copyOf(persist);
        sendAfterPersist = List.copyOf(sendAfterPersist);
        completions = List.copyOf(completions);
    }

    public boolean isEmpty() {
        return send.isEmpty() && persist.isEmpty() && sendAfterPersist.isEmpty() && completions.isEmpty();
    }
}
