package dev.trellis.config.xds;

import dev.trellis.config.resource.HttpRoute;
import java.util.Comparator;

/**
 * Gateway API precedence among the matches of every HTTPRoute attached to one Service; the proxy takes
 * the first route that matches, so they are emitted in this order:
 * <ol>
 *   <li>Exact path, then RegularExpression path, then PathPrefix (regular expressions rank between the
 *       two as in Istio; Gateway API leaves them to the implementation);</li>
 *   <li>the longer path value first;</li>
 *   <li>a match with a method before one without;</li>
 *   <li>more header matches first;</li>
 *   <li>more query parameter matches first;</li>
 *   <li>then by HTTPRoute "namespace/name" alphabetically (a directory has no creation time), then rule
 *       order, then match order.</li>
 * </ol>
 */
final class RoutePrecedence {
    private RoutePrecedence() {}

    /** One match of one rule of one route. */
    record Entry(HttpRoute route, int ruleIndex, int matchIndex) {
        HttpRoute.Rule rule() {
            return route.rules().get(ruleIndex);
        }

        HttpRoute.Match match() {
            return rule().matches().get(matchIndex);
        }
    }

    static final Comparator<Entry> ORDER = Comparator
            .comparingInt((Entry e) -> pathRank(e.match().path().type()))
            .thenComparing(Comparator.comparingInt((Entry e) -> e.match().path().value().length()).reversed())
            .thenComparingInt(e -> e.match().method() == null ? 1 : 0)
            .thenComparing(Comparator.comparingInt((Entry e) -> e.match().headers().size()).reversed())
            .thenComparing(Comparator.comparingInt((Entry e) -> e.match().queryParams().size()).reversed())
            .thenComparing(e -> e.route().namespace() + "/" + e.route().name())
            .thenComparingInt(Entry::ruleIndex)
            .thenComparingInt(Entry::matchIndex);

    private static int pathRank(HttpRoute.PathType type) {
        return switch (type) {
            case EXACT -> 0;
            case REGULAR_EXPRESSION -> 1;
            case PATH_PREFIX -> 2;
        };
    }
}
