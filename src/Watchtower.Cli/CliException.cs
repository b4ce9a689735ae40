namespace Watchtower.Cli;

/// <summary>A failure the user can fix, with the one line that says how and the exit code it ends with.</summary>
internal sealed class CliException : Exception
{
    public CliException()
        : this("The command failed.", ExitCodes.Failed)
    {
    }

    public CliException(string message)
        : this(message, ExitCodes.Failed)
    {
    }

    public CliException(string message, Exception innerException)
        : base(message, innerException)
    {
        ExitCode = ExitCodes.Failed;
    }

    public CliException(string message, int exitCode)
        : base(message)
    {
        ExitCode = exitCode;
    }

    public int ExitCode { get; }
}
