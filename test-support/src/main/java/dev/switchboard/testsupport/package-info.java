/**
 * Test fixtures shared by every module's tests: a real Redis per test class, a real PostgreSQL
 * database per test class, free ports, and child JVMs running a role (for tests that kill real
 * processes). Test scope only.
 */
package dev.switchboard.testsupport;
