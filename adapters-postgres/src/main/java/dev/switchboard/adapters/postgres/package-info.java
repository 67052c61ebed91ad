/**
 * The CRM store on PostgreSQL. {@link dev.switchboard.adapters.postgres.PostgresStore} opens the
 * pool from {@code DATABASE_URL} ({@link dev.switchboard.adapters.postgres.DatabaseUrl}), migrates
 * the schema, and hands out one {@code Postgres<Port>} per repository port. SQL failures leave
 * this package only as {@link dev.switchboard.ports.out.StoreUnavailableException} (the database
 * is unreachable) or {@link java.lang.IllegalStateException} (a statement failed: a bug).
 */
package dev.switchboard.adapters.postgres;
