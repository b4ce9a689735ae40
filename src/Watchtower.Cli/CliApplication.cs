using System.CommandLine;
using Watchtower.Cli.Commands;

namespace Watchtower.Cli;

/// <summary>
/// The <c>watchtower</c> command: its subcommands and shared options, parse errors as one short line and exit code 2,
/// and every failure inside a command as one line that names the fix (<see cref="ErrorReporter"/>).
/// </summary>
internal static class CliApplication
{
    public static RootCommand Build(CliConsole console)
    {
        var connection = new ConnectionOptions();
        var root = new RootCommand("watchtower: read Amazon CloudWatch Logs back, follow it without missing late events, query it, and ship lines to it.");
        connection.AddTo(root);
        root.Subcommands.Add(GroupsCommand.Create(connection, console));
        root.Subcommands.Add(StreamsCommand.Create(connection, console));
        root.Subcommands.Add(TailCommand.Create(connection, console));
        root.Subcommands.Add(SendCommand.Create(connection, console));
        root.Subcommands.Add(QueryCommand.Create(connection, console));
        return root;
    }

    public static async Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellationToken = default)
    {
        ParseResult parsed = Build(console).Parse(args);
        if (parsed.Errors.Count > 0 && args.Length > 0)
        {
            foreach (System.CommandLine.Parsing.ParseError error in parsed.Errors)
            {
                await console.Error.WriteLineAsync("watchtower: " + error.Message).ConfigureAwait(false);
            }

            string command = parsed.CommandResult.Command is RootCommand ? string.Empty : parsed.CommandResult.Command.Name + " ";
            await console.Error.WriteLineAsync($"Run 'watchtower {command}--help' for usage.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        var invocation = new InvocationConfiguration
        {
            Output = console.Out,
            Error = console.Error,
            // Ctrl-C cancels the command's token; send then delivers what it read, query stops the query. Past this,
            // the process ends anyway.
            ProcessTerminationTimeout = TimeSpan.FromSeconds(40),
        };
        return await parsed.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs a command's body: its failures become one line on stderr and an exit code, never a stack trace.</summary>
    public static async Task<int> GuardedAsync(CliConsole console, string? logGroup, Func<Task<int>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return ExitCodes.Interrupted;
        }
        catch (Exception e)
        {
            return ErrorReporter.Report(e, console, logGroup);
        }
    }
}
