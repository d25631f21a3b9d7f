package dev.trellis.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hands out loopback ports for child processes: the demo's services and sidecars, and those of the end-to-end
 * tests. A port taken from {@code new ServerSocket(0)} comes from the kernel's ephemeral range, and between closing the probe and the child process binding it, any outgoing
 * connection on the machine may be given the same port. Ports below the ephemeral range are never handed to
 * outgoing connections, so once probed free they stay free for the child to take.
 */
public final class LoopbackPorts {
    private static final int FIRST = 10_000;
    private static final int SPAN;
    private static final AtomicInteger NEXT;

    static {
        int ephemeralLow = ephemeralRangeStart();
        SPAN = Math.max(1_000, ephemeralLow - FIRST);
        // Start at a place that depends on the process, so two JVMs on one machine rarely meet.
        NEXT = new AtomicInteger((int) (ProcessHandle.current().pid() * 7919 % SPAN));
    }

    private LoopbackPorts() {
    }

    /** Distinct ports, each free when probed; none is handed out twice by this JVM until the range wraps. */
    public static List<Integer> take(int count) {
        List<Integer> ports = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ports.add(next());
        }
        return ports;
    }

    public static int next() {
        for (int attempt = 0; attempt < SPAN; attempt++) {
            int port = FIRST + Math.floorMod(NEXT.getAndIncrement(), SPAN);
            if (isFree(port)) {
                return port;
            }
        }
        throw new UncheckedIOException(new IOException("no free loopback port between " + FIRST + " and " + (FIRST + SPAN)));
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    private static int ephemeralRangeStart() {
        try {
            String[] range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+");
            return Integer.parseInt(range[0]);
        } catch (IOException | RuntimeException unknown) {
            return 32_768;
        }
    }
}
