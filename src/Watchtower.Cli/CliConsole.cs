namespace Watchtower.Cli;

/// <summary>
/// Where a command reads and writes, and what it knows of the terminal, the environment and the time: the process's
/// own in <see cref="ForProcess"/>, and writers, a clock and a transport of a test's choosing in tests.
/// </summary>
internal sealed class CliConsole
{
    public required TextWriter Out { get; init; }

    public required TextWriter Error { get; init; }

    public required TextReader In { get; init; }

    /// <summary>Whether stdout is a terminal (colour and tables for people) rather than a pipe or a file.</summary>
    public bool OutIsTerminal { get; init; }

    /// <summary>Whether stderr is a terminal (the progress line of <c>send</c>).</summary>
    public bool ErrorIsTerminal { get; init; }

    /// <summary>Reads an environment variable.</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The HTTP transport for the CloudWatch client; null for the default (tests pass an in-process fake).</summary>
    public HttpMessageHandler? Transport { get; init; }

    /// <summary>Colour only on a terminal, and never when NO_COLOR is set to anything (https://no-color.org).</summary>
    public bool UseColor => OutIsTerminal && string.IsNullOrEmpty(Environment("NO_COLOR")) && Environment("TERM") != "dumb";

    public static CliConsole ForProcess() => new()
    {
        Out = Console.Out,
        Error = Console.Error,
        In = Console.In,
        OutIsTerminal = !Console.IsOutputRedirected,
        ErrorIsTerminal = !Console.IsErrorRedirected,
    };
}
