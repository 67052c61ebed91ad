/**
 * The PostgreSQL adapter: the CRM's records (businesses, leads, messages, WhatsApp sessions and
 * the tables later jobs fill) behind the repository ports, in plain JDBC with the PostgreSQL
 * driver, a HikariCP pool, and Flyway migrations run at start (docs/postgres.md).
 *
 * <p>Uniqueness that a job's idempotency relies on is a database constraint, written with
 * {@code INSERT ... ON CONFLICT}, never a check-then-insert. Every query is scoped to one
 * business. This module starts no threads of its own (HikariCP's housekeeping threads are the
 * library's). The migrations are resources of the package {@code ...postgres.migrations}, read by
 * this module itself and handed to Flyway, so they are found on the module path too.
 */
@SuppressWarnings("module") // the roles that construct the store are compiled after this module
module switchboard.adapters.postgres {
    requires transitive switchboard.ports;
    requires java.sql;
    requires org.postgresql.jdbc;
    requires com.zaxxer.hikari;
    requires flyway.core;
    // Flyway finds its PostgreSQL support through ServiceLoader; an automatic module declares no
    // `uses`, so nothing would resolve the plugin's module unless something requires it.
    requires flyway.database.postgresql;
    requires java.logging;

    exports dev.switchboard.adapters.postgres to
            switchboard.roles.api,
            switchboard.roles.worker,
            switchboard.roles.scheduler,
            switchboard.roles.calls,
            switchboard.roles.all;
}
