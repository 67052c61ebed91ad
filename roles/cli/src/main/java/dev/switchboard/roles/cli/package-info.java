/**
 * {@code switchboard jobs}: {@link dev.switchboard.roles.cli.JobsCli} is the entry point; one
 * picocli command class per subcommand.
 */
package dev.switchboard.roles.cli;
