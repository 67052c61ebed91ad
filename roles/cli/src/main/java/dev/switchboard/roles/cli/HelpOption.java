package dev.switchboard.roles.cli;

import picocli.CommandLine.Option;

/** {@code -h}/{@code --help} on every command (picocli's standard mixin would add a version option too). */
final class HelpOption {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;
}
