package dev.trellis.proxy.xds;

/**
 * An xDS resource the proxy cannot apply. The message names the resource and the field, e.g.
 * "cluster catalog.default: lb_policy: RING_HASH (expected: ROUND_ROBIN or LEAST_REQUEST)"; over ADS it
 * becomes the NACK's error detail.
 */
public final class XdsResourceException extends RuntimeException {
    private final String resourceType;
    private final String resourceName;
    private final String detail;

    /**
     * @param resourceType "listener", "route configuration", "cluster" or "cluster load assignment"
     * @param detail       "field: value (expected: ...)"
     */
    public XdsResourceException(String resourceType, String resourceName, String detail) {
        super(resourceType + " " + (resourceName.isEmpty() ? "(unnamed)" : resourceName) + ": " + detail);
        this.resourceType = resourceType;
        this.resourceName = resourceName;
        this.detail = detail;
    }

    public String resourceType() {
        return resourceType;
    }

    public String resourceName() {
        return resourceName;
    }

    public String detail() {
        return detail;
    }
}
