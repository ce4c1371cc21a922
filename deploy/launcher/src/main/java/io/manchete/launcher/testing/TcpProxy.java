package io.manchete.launcher.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A TCP proxy on a free loopback port that forwards every connection to a target (for failure
 * tests: put it between a service and its PostgreSQL, then {@link #cut()} and {@link #restore()}).
 * Loopback only; blocking I/O with two daemon threads per connection, which is plenty for a test's
 * connection pools.
 *
 * <ul>
 * <li>{@link #cut()} ({@link Cut#REFUSE}): closes every open connection and stops listening, so new
 * connections are refused (what a stopped database looks like);</li>
 * <li>{@link #cut(Cut)} with {@link Cut#HOLD}: closes every open connection and accepts new ones but
 * never answers (what a network partition looks like to a client that only has timeouts);</li>
 * <li>{@link #restore()}: forwards again on the same port (held connections are closed).</li>
 * </ul>
 */
public final class TcpProxy implements AutoCloseable {
    /** How a cut proxy treats new connections. */
    public enum Cut {
        /** Not listening: connection refused. */
        REFUSE,
        /** Accepted, then never answered. */
        HOLD
    }

    private final Supplier<InetSocketAddress> target;
    private final int port;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final ExecutorService threads;
    private final AtomicInteger accepted = new AtomicInteger();
    private volatile ServerSocket server;
    private volatile Cut cut;
    private volatile boolean closed;

    private TcpProxy(Supplier<InetSocketAddress> target) {
        this.target = target;
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "tcp-proxy-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.server = bind(0);
        this.port = server.getLocalPort();
        listen(server);
    }

    /** A proxy to {@code host:port}. */
    public static TcpProxy start(String host, int port) {
        InetSocketAddress address = new InetSocketAddress(host, port);
        return new TcpProxy(() -> address);
    }

    /**
     * A proxy whose target is looked up for every new connection: for a target known only later
     * (e.g. the suite's PostgreSQL, found or started when the suite starts).
     */
    public static TcpProxy start(Supplier<InetSocketAddress> target) {
        return new TcpProxy(target);
    }

    /** The loopback port it listens on (the same after a cut and a restore). */
    public int port() {
        return port;
    }

    /** Connections accepted so far. */
    public int accepted() {
        return accepted.get();
    }

    /** Sockets open right now (two per forwarded connection, one per held one). */
    public int openSockets() {
        return open.size();
    }

    public boolean isCut() {
        return cut != null;
    }

    /** Closes every connection and refuses new ones until {@link #restore()}. */
    public void cut() {
        cut(Cut.REFUSE);
    }

    public synchronized void cut(Cut how) {
        cut = how;
        if (how == Cut.REFUSE) {
            closeQuietly(server);
        }
        closeAll();
    }

    /** Forwards new connections again (connections held meanwhile are closed). */
    public synchronized void restore() {
        if (cut == null) {
            return;
        }
        Cut was = cut;
        cut = null;
        closeAll();
        if (was == Cut.REFUSE && !closed) {
            server = bind(port);
            listen(server);
        }
    }

    private static ServerSocket bind(int port) {
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
            return socket;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port, e);
        }
    }

    private void listen(ServerSocket socket) {
        threads.execute(() -> {
            while (!socket.isClosed()) {
                Socket client;
                try {
                    client = socket.accept();
                } catch (IOException e) {
                    return; // closed by cut() or close()
                }
                accepted.incrementAndGet();
                if (cut == Cut.HOLD) {
                    open.add(client);
                    continue;
                }
                if (cut != null) {
                    closeQuietly(client);
                    continue;
                }
                threads.execute(() -> connect(client));
            }
        });
    }

    private void connect(Socket client) {
        Socket upstream = new Socket();
        try {
            upstream.connect(target.get(), 2_000);
            upstream.setTcpNoDelay(true);
            client.setTcpNoDelay(true);
        } catch (IOException | RuntimeException e) {
            closeQuietly(client);
            closeQuietly(upstream);
            return;
        }
        open.add(client);
        open.add(upstream);
        if (cut != null) { // cut while connecting
            closeQuietly(client);
            closeQuietly(upstream);
            return;
        }
        threads.execute(() -> pump(client, upstream));
        pump(upstream, client);
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException ignored) {
            // one side closed or was cut: close both below
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void closeAll() {
        for (Socket socket : open) {
            closeQuietly(socket);
        }
    }

    private void closeQuietly(Socket socket) {
        open.remove(socket);
        try {
            if (!socket.isClosed()) {
                try {
                    socket.setSoLinger(true, 0); // a reset, as when the peer goes away
                } catch (SocketException ignored) {
                    // already broken
                }
                socket.close();
            }
        } catch (IOException ignored) {
            // nothing left to do
        }
    }

    private static void closeQuietly(ServerSocket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to do
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        cut = Cut.REFUSE;
        closeQuietly(server);
        closeAll();
        threads.shutdownNow();
    }
}
