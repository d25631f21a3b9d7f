package dev.trellis.proxy.config;

import java.util.Objects;

/** One route: when {@code match} holds, {@code action} says where the request goes. */
public record Route(String name, RouteMatch match, RouteAction action) {
    public Route {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(match, "match");
        Objects.requireNonNull(action, "action");
    }
}
