using Watchtower.Cli;

namespace Watchtower.Tests.Cli;

/// <summary>The watchtower command run in-process: its stdout, stderr and exit code, with stdin and a clock of the test's choosing.</summary>
internal sealed record CliRun(int ExitCode, string Out, string Error)
{
    public string[] Lines => Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();

    public static async Task<CliRun> RunAsync(string[] args, string stdin = "", TimeProvider? time = null, HttpMessageHandler? transport = null, bool terminal = false, CancellationToken cancellationToken = default)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var console = new CliConsole
        {
            Out = TextWriter.Synchronized(output),
            Error = TextWriter.Synchronized(error),
            In = new StringReader(stdin),
            OutIsTerminal = terminal,
            ErrorIsTerminal = terminal,
            Time = time ?? TimeProvider.System,
            Transport = transport,
        };
        int code = await CliApplication.RunAsync(args, console, cancellationToken);
        return new CliRun(code, output.ToString(), error.ToString());
    }
}
