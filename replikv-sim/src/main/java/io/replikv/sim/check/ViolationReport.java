package io.replikv.sim.check;

import io.replikv.core.util.Bytes;
import io.replikv.sim.history.Operation;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders a violation for a person: the longest prefix the search could explain with the value
 * after each operation, then the operations that could have gone next and why each fails there,
 * then the key's history around them. The place where the explanation stops is usually where the
 * bug shows: a read that sees a value the prefix cannot produce, a write that seems lost.
 */
final class ViolationReport {
    private final KeySearch search;

    ViolationReport(KeySearch search) {
        this.search = search;
    }

    String render() {
        StringBuilder out = new StringBuilder();
        out.append("NOT LINEARIZABLE on key ").append(HistoryFormat.value(search.key())).append(": ")
                .append(search.everything().size()).append(" operations, ")
                .append(search.statesExplored()).append(" states explored\n");
        int[] prefix = search.bestPrefix();
        List<Bytes> valuesAfter = new ArrayList<>();
        List<Integer> candidates = search.candidatesAfterBestPrefix(valuesAfter);
        Bytes value = valuesAfter.isEmpty() ? null : valuesAfter.getLast();
        renderPrefix(out, prefix, valuesAfter);
        List<Long> stuckIds = renderCandidates(out, candidates, value);
        renderHistory(out, stuckIds);
        return out.toString();
    }

    private void renderPrefix(StringBuilder out, int[] prefix, List<Bytes> valuesAfter) {
        int definitePlaced = 0;
        for (int op : prefix) if (search.isDefinite(op)) definitePlaced++;
        out.append("Longest linearizable prefix found: ").append(definitePlaced).append(" of ")
                .append(search.definiteCount()).append(" definite operations placed")
                .append(prefix.length > definitePlaced ? " (plus " + (prefix.length - definitePlaced) + " indefinite)" : "")
                .append("; the value after each:\n");
        if (prefix.length == 0) out.append("  (empty: not even the first operation fits; the key starts absent)\n");
        int first = Math.max(0, prefix.length - KeySearch.REPORT_PREFIX_LINES_MAX);
        if (first > 0) out.append("  ... ").append(first).append(" earlier operations\n");
        for (int k = first; k < prefix.length; k++) {
            int op = prefix[k];
            out.append(String.format("  %4d. ", k + 1)).append(HistoryFormat.line(search.op(op)))
                    .append(search.isDefinite(op) ? "" : "  (indefinite, taken to apply here)")
                    .append("  => ").append(HistoryFormat.state(valuesAfter.get(k))).append('\n');
        }
    }

    private List<Long> renderCandidates(StringBuilder out, List<Integer> candidates, Bytes value) {
        out.append("Nothing can come next. After that prefix the key is ").append(HistoryFormat.state(value))
                .append(", and the operations that could go next:\n");
        List<Long> ids = new ArrayList<>();
        int indefinite = 0;
        for (int c : candidates) {
            if (!search.isDefinite(c)) {
                indefinite++;
                continue;
            }
            Operation op = search.op(c);
            ids.add(op.id());
            KvModel.Step step = KvModel.apply(value, op.command());
            out.append("  ").append(HistoryFormat.line(op)).append('\n');
            if (step.result().equals(search.expected(c))) {
                out.append("      fits here, but every way on from it was explored and fails\n");
            } else {
                out.append("      cannot go here: on ").append(HistoryFormat.state(value)).append(" it would return ")
                        .append(HistoryFormat.result(step.result())).append('\n');
            }
        }
        if (indefinite > 0) {
            out.append("  and ").append(indefinite)
                    .append(" indefinite writes that could take effect here (every choice was explored)\n");
        }
        return ids;
    }

    private void renderHistory(StringBuilder out, List<Long> stuckIds) {
        out.append(historySection(search.key(), search.everything(), search.historyLines(), stuckIds));
    }

    /**
     * The key's history, one operation per line, the marked ones with "> "; at most
     * {@link KeySearch#REPORT_HISTORY_LINES_MAX} lines around the first marked one.
     */
    static String historySection(Bytes key, List<Operation> all, List<String> lines, List<Long> markedIds) {
        int focus = 0;
        for (int i = 0; i < all.size(); i++) {
            if (markedIds.contains(all.get(i).id())) {
                focus = i;
                break;
            }
        }
        int from = 0;
        int to = lines.size();
        if (lines.size() > KeySearch.REPORT_HISTORY_LINES_MAX) {
            from = Math.max(0, focus - KeySearch.REPORT_HISTORY_LINES_MAX / 2);
            to = Math.min(lines.size(), from + KeySearch.REPORT_HISTORY_LINES_MAX);
        }
        StringBuilder out = new StringBuilder();
        out.append("History of key ").append(HistoryFormat.value(key))
                .append(", one operation per line by call time (#id client [call, return] command -> outcome):\n");
        if (from > 0) out.append("  ... ").append(from).append(" earlier operations\n");
        for (int i = from; i < to; i++) {
            out.append(markedIds.contains(all.get(i).id()) ? "> " : "  ").append(lines.get(i)).append('\n');
        }
        if (to < lines.size()) out.append("  ... ").append(lines.size() - to).append(" later operations\n");
        return out.toString();
    }
}
