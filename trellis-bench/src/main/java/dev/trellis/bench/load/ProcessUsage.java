package dev.trellis.bench.load;

/**
 * What one watched process (a proxy under test) spent during the measurement window.
 *
 * @param cpuSeconds user + system CPU time over the window
 * @param peakRssKib the process's peak resident set since it started (VmHWM)
 * @param rssKib     its resident set at the end of the window (VmRSS): what it holds while serving this load
 */
public record ProcessUsage(String name, long pid, double cpuSeconds, long peakRssKib, long rssKib) {

    /** Without the resident set at the end of the window (records written before it was measured). */
    public ProcessUsage(String name, long pid, double cpuSeconds, long peakRssKib) {
        this(name, pid, cpuSeconds, peakRssKib, 0);
    }

    /** CPU seconds per 1,000 requests, given the requests completed in the same window. */
    public double cpuSecondsPer1000(long requests) {
        return requests == 0 ? 0 : cpuSeconds * 1000.0 / requests;
    }
}
