using System.CommandLine;
using Watchtower.Cli.Output;

namespace Watchtower.Cli.Commands;

/// <summary>
/// <c>watchtower streams GROUP [--prefix P] [--order-by name|last-event]</c>: a group's streams with their first and
/// last event times; by last event, the most recent first.
/// </summary>
internal static class StreamsCommand
{
    public static Command Create(ConnectionOptions connection, CliConsole console)
    {
        var group = new Argument<string>("group") { Description = "The log group." };
        var prefix = new Option<string?>("--prefix") { Description = "Only streams whose name starts with this." };
        var orderBy = new Option<string>("--order-by") { Description = "name (default) or last-event (the most recent first).", DefaultValueFactory = _ => "name" };
        orderBy.AcceptOnlyFromAmong("name", "last-event");
        var command = new Command("streams", "List a log group's streams: name, last event, first event, created.") { group, prefix, orderBy };
        command.SetAction((parsed, cancellationToken) => CliApplication.GuardedAsync(console, parsed.GetValue(group), async () =>
        {
            bool byLastEvent = parsed.GetValue(orderBy) == "last-event";
            if (byLastEvent && parsed.GetValue(prefix) is not null)
            {
                throw new CliException("--order-by last-event cannot be combined with --prefix (CloudWatch does not allow it). Drop one of them.", ExitCodes.Usage);
            }

            using CloudWatchLogsClient client = connection.CreateClient(parsed, console);
            var request = new DescribeLogStreamsRequest
            {
                LogGroupName = parsed.GetValue(group),
                LogStreamNamePrefix = parsed.GetValue(prefix),
                OrderBy = byLastEvent ? "LastEventTime" : "LogStreamName",
                Descending = byLastEvent ? true : null,
            };
            var table = new TableWriter("NAME", "LAST EVENT", "FIRST EVENT", "CREATED");
            await foreach (LogStream stream in client.EnumerateLogStreamsAsync(request, cancellationToken).ConfigureAwait(false))
            {
                table.Add(stream.LogStreamName, Formats.Time(stream.LastEventTimestamp), Formats.Time(stream.FirstEventTimestamp), Formats.Time(stream.CreationTime));
            }

            if (table.Count == 0)
            {
                await console.Error.WriteLineAsync($"The log group '{parsed.GetValue(group)}' has no streams{(parsed.GetValue(prefix) is { } p ? $" starting with '{p}'" : string.Empty)}.").ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            table.WriteTo(console.Out, console.UseColor);
            return ExitCodes.Ok;
        }));
        return command;
    }
}
