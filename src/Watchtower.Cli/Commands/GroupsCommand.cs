using System.CommandLine;
using System.Globalization;
using Watchtower.Cli.Output;

namespace Watchtower.Cli.Commands;

/// <summary><c>watchtower groups [--prefix P]</c>: the log groups, with retention, stored bytes and creation time.</summary>
internal static class GroupsCommand
{
    public static Command Create(ConnectionOptions connection, CliConsole console)
    {
        var prefix = new Option<string?>("--prefix") { Description = "Only groups whose name starts with this." };
        var command = new Command("groups", "List log groups: name, retention, stored bytes, created.") { prefix };
        command.SetAction((parsed, cancellationToken) => CliApplication.GuardedAsync(console, logGroup: null, async () =>
        {
            using CloudWatchLogsClient client = connection.CreateClient(parsed, console);
            var table = new TableWriter("NAME", "RETENTION", "STORED", "CREATED");
            var request = new DescribeLogGroupsRequest { LogGroupNamePrefix = parsed.GetValue(prefix) };
            await foreach (LogGroup group in client.EnumerateLogGroupsAsync(request, cancellationToken).ConfigureAwait(false))
            {
                table.Add(
                    group.LogGroupName,
                    group.RetentionInDays is { } days ? days.ToString(CultureInfo.InvariantCulture) + " days" : "never expires",
                    Formats.Bytes(group.StoredBytes),
                    Formats.Time(group.CreationTime));
            }

            if (table.Count == 0)
            {
                await console.Error.WriteLineAsync(parsed.GetValue(prefix) is { } p ? $"No log group starts with '{p}' in this region." : "No log groups in this region.").ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            table.WriteTo(console.Out, console.UseColor);
            return ExitCodes.Ok;
        }));
        return command;
    }
}
