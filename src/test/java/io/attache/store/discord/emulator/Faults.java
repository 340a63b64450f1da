package io.attache.store.discord.emulator;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

/**
 * The faults switched on, each for a route class (null: any API route, or the CDN for CDN faults),
 * a number of times or with a probability. Thread-safe.
 */
public final class Faults {

    private static final class Rule {
        final Fault fault;
        final RouteClass where;
        int timesLeft;
        final double probability;

        Rule(Fault fault, RouteClass where, int times, double probability) {
            this.fault = fault;
            this.where = where;
            this.timesLeft = times;
            this.probability = probability;
        }

        boolean appliesTo(RouteClass route) {
            if (fault.isCdn()) {
                return route == RouteClass.CDN;
            }
            return route != RouteClass.CDN && (where == null || where == route);
        }
    }

    private final List<Rule> rules = new ArrayList<>();
    private final Random random;

    Faults(long seed) {
        this.random = new Random(seed);
    }

    /** The next {@code times} requests of {@code where} (null: any) get {@code fault}. */
    public synchronized Faults inject(Fault fault, RouteClass where, int times) {
        if (times < 1) {
            throw new IllegalArgumentException("times must be positive");
        }
        rules.add(new Rule(fault, where, times, 1.0));
        return this;
    }

    /** Every request of {@code where} (null: any) gets {@code fault} with this probability, until cleared. */
    public synchronized Faults injectRandomly(Fault fault, RouteClass where, double probability) {
        if (!(probability > 0 && probability <= 1)) {
            throw new IllegalArgumentException("probability in (0, 1]: " + probability);
        }
        rules.add(new Rule(fault, where, -1, probability));
        return this;
    }

    public synchronized void clear() {
        rules.clear();
    }

    /** True while counted faults are still waiting to fire. */
    public synchronized boolean pending() {
        return rules.stream().anyMatch(r -> r.timesLeft > 0);
    }

    /** Takes one fault of the given kinds for this request, or null. Counted rules fire first. */
    synchronized Fault take(RouteClass route, Fault... kinds) {
        for (Iterator<Rule> it = rules.iterator(); it.hasNext(); ) {
            Rule rule = it.next();
            if (!matches(rule, route, kinds) || rule.timesLeft < 0) {
                continue;
            }
            if (--rule.timesLeft == 0) {
                it.remove();
            }
            return rule.fault;
        }
        for (Rule rule : rules) {
            if (matches(rule, route, kinds) && random.nextDouble() < rule.probability) {
                return rule.fault;
            }
        }
        return null;
    }

    private static boolean matches(Rule rule, RouteClass route, Fault[] kinds) {
        if (!rule.appliesTo(route)) {
            return false;
        }
        for (Fault kind : kinds) {
            if (kind == rule.fault) {
                return true;
            }
        }
        return false;
    }
}
