package dev.trellis.bench.load;

/**
 * What one watched process (a proxy under test) spent during the measurement window.
 *
 * @param cpuSeconds user + system CPU time over the window
 * @param peakRssKib the process's peak resident set since it started (VmHWM)
 */
public record ProcessUsage(String name, long pid, double cpuSeconds, long peakRssKib) {

    /** CPU seconds per 1,000 requests, given the requests completed in the same window. */
    public double cpuSecondsPer1000(long requests) {
        return requests == 0 ? 0 : cpuSeconds * 1000.0 / requests;
    }
}
