package io.hubgate.sample;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code job create|get|watch|cancel}: fleet jobs, a twin update or a direct method on many devices. */
@Command(name = "job", mixinStandardHelpOptions = true,
        description = "Fleet jobs: schedule a twin update or a direct method on every device a query condition selects.",
        subcommands = {JobCreateCommand.class, JobGetCommand.class, JobWatchCommand.class, JobCancelCommand.class})
final class JobCommand implements Runnable {

    @ParentCommand HubgateCli cli;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a job subcommand is required: create, get, watch or cancel");
    }
}
