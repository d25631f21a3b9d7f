package dev.trellis.proxy.filter.retry;

import dev.trellis.proxy.config.RetryBudget;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * A retry budget over a sliding window of one-second slots, shared by every event loop: a retry is allowed while
 * the retries of the window stay under {@code ratio * requests + minRetriesPerSecond * windowSeconds}.
 * Lock-free: slots are atomics, a stale slot is reset by whoever first sees its second change.
 */
public final class RetryBudgetState {
    private final RetryBudget budget;
    private final LongSupplier clockMillis;
    private final int slots;
    private final AtomicLongArray slotSecond;
    private final AtomicLongArray requests;
    private final AtomicLongArray retries;

    public RetryBudgetState(RetryBudget budget, LongSupplier clockMillis) {
        this.budget = budget;
        this.clockMillis = clockMillis;
        this.slots = (int) budget.window().toSeconds();
        this.slotSecond = new AtomicLongArray(slots);
        this.requests = new AtomicLongArray(slots);
        this.retries = new AtomicLongArray(slots);
    }

    public RetryBudget budget() {
        return budget;
    }

    /** Every original request deposits into the budget. */
    public void onRequest() {
        requests.incrementAndGet(slot());
    }

    /** Withdraws one retry if the budget allows it. */
    public boolean tryRetry() {
        int current = slot();
        long now = clockMillis.getAsLong() / 1000;
        long reqs = 0;
        long rets = 0;
        for (int i = 0; i < slots; i++) {
            if (now - slotSecond.get(i) < slots) {
                reqs += requests.get(i);
                rets += retries.get(i);
            }
        }
        double allowed = budget.ratio() * reqs + (double) budget.minRetriesPerSecond() * slots;
        if (rets + 1 > allowed) {
            return false;
        }
        retries.incrementAndGet(current);
        return true;
    }

    private int slot() {
        long second = clockMillis.getAsLong() / 1000;
        int i = (int) (second % slots);
        long seen = slotSecond.get(i);
        if (seen != second && slotSecond.compareAndSet(i, seen, second)) {
            requests.set(i, 0);
            retries.set(i, 0);
        }
        return i;
    }
}
