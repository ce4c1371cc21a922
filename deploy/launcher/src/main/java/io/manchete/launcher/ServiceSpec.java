package io.manchete.launcher;

/** One Manchete service as the launcher starts it: its module folder, port and database (or none). */
public record ServiceSpec(String name, String module, int port, String database) {
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public boolean hasDatabase() {
        return database != null;
    }
}
