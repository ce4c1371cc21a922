package io.manchete.content.store;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import org.hibernate.HibernateException;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatabaseTroubleTest {
    @Test
    void anUnreachableDatabaseIsUnavailableHoweverDeeplyWrapped() {
        assertTrue(DatabaseTrouble.isUnavailable(new CompletionException(new HibernateException(new ConnectException("refused")))));
        assertTrue(DatabaseTrouble.isUnavailable(ClosedConnectionException.INSTANCE));
        assertTrue(DatabaseTrouble.isUnavailable(new PgException("shutting down", "FATAL", "57P01", null)));
        assertTrue(DatabaseTrouble.isUnavailable(new PgException("connection failure", "FATAL", "08006", null)));
    }

    @Test
    void aFailingStatementIsNot() {
        assertFalse(DatabaseTrouble.isUnavailable(new PgException("duplicate key", "ERROR", "23505", null)));
        assertFalse(DatabaseTrouble.isUnavailable(new IllegalStateException("bug")));
        assertFalse(DatabaseTrouble.isUnavailable(null));
    }
}
