using System.CommandLine;
using Watchtower.Cli.Output;

namespace Watchtower.Cli.Commands;

/// <summary>
/// <c>watchtower query GROUP… 'QUERY' [--since T] [--until T] [--limit N] [--format table|json]</c>: a Logs Insights
/// query, polled until complete and printed; Ctrl-C stops it on the service too (StopQuery), so it costs no more.
/// </summary>
internal static class QueryCommand
{
    public static Command Create(ConnectionOptions connection, CliConsole console)
    {
        var words = new Argument<string[]>("group-and-query") { Description = "One or more log groups, then the query (quoted): 'fields @timestamp, @message | filter @message like /Error/'.", Arity = ArgumentArity.OneOrMore };
        var since = new Option<string>("--since") { Description = "From when: a duration back (90s, 10m, 2h, 3d) or an ISO time.", DefaultValueFactory = _ => "1h" };
        var until = new Option<string>("--until") { Description = "Until when (same forms).", DefaultValueFactory = _ => "now" };
        var limit = new Option<int?>("--limit") { Description = "The most rows, when the query has no limit command (service default 1,000)." };
        var format = new Option<string>("--format") { Description = "table (default) or json (one object per row).", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var poll = new Option<string>("--poll-interval") { Description = "Time between GetQueryResults calls.", DefaultValueFactory = _ => "1s", Hidden = true };
        var command = new Command("query", "Run a Logs Insights query over one or more groups and print the rows.") { words, since, until, limit, format, poll };
        command.SetAction((parsed, cancellationToken) =>
        {
            string[] given = parsed.GetValue(words) ?? [];
            return CliApplication.GuardedAsync(console, given.Length == 2 ? given[0] : null, async () =>
            {
                if (given.Length < 2)
                {
                    throw new CliException("Give one or more log groups and then the query, for example: watchtower query /app/orders 'fields @timestamp, @message | limit 20'", ExitCodes.Usage);
                }

                DateTimeOffset now = console.Time.GetUtcNow();
                var request = new StartQueryRequest
                {
                    LogGroupNames = given[..^1],
                    QueryString = given[^1],
                    StartTime = TimeArgument.Parse(parsed.GetValue(since)!, now, "--since"),
                    EndTime = TimeArgument.Parse(parsed.GetValue(until)!, now, "--until"),
                    Limit = parsed.GetValue(limit),
                };
                TimeSpan interval = TimeArgument.ParseDuration(parsed.GetValue(poll)!, "--poll-interval");
                using CloudWatchLogsClient client = connection.CreateClient(parsed, console);
                GetQueryResultsResponse results = await RunAsync(client, request, interval, console, cancellationToken).ConfigureAwait(false);
                Print(results, parsed.GetValue(format) == "json", console);
                return ExitCodes.Ok;
            });
        });
        return command;
    }

    /// <summary>Starts the query and polls until it ends; on cancellation, stops it on the service and rethrows.</summary>
    internal static async Task<GetQueryResultsResponse> RunAsync(CloudWatchLogsClient client, StartQueryRequest request, TimeSpan interval, CliConsole console, CancellationToken cancellationToken)
    {
        string queryId = await client.StartQueryAsync(request, cancellationToken).ConfigureAwait(false);
        try
        {
            while (true)
            {
                GetQueryResultsResponse results = await client.GetQueryResultsAsync(queryId, cancellationToken).ConfigureAwait(false);
                if (results.IsFinished)
                {
                    return results.Status == "Complete"
                        ? results
                        : throw new CliException($"The query ended with status {results.Status}. Narrow --since, or check the query's syntax.");
                }

                await Task.Delay(interval, console.Time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl-C: a running query keeps scanning (and costing) on the service until it is stopped.
            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await client.StopQueryAsync(queryId, stopping.Token).ConfigureAwait(false);
                await console.Error.WriteLineAsync("watchtower: query stopped.").ConfigureAwait(false);
            }
            catch (Exception e) when (e is CloudWatchLogsException or OperationCanceledException)
            {
                await console.Error.WriteLineAsync($"watchtower: the query {queryId} could not be stopped ({e.Message}); it ends on its own within 60 minutes.").ConfigureAwait(false);
            }

            throw;
        }
    }

    private static void Print(GetQueryResultsResponse results, bool json, CliConsole console)
    {
        if (json)
        {
            foreach (IReadOnlyList<QueryResultField> row in results.Results)
            {
                console.Out.WriteLine(JsonRow(row));
            }

            return;
        }

        if (results.Results.Count == 0)
        {
            console.Error.WriteLine("No rows matched.");
            return;
        }

        // Columns in the order the fields first appear; @ptr is the service's row handle, not data.
        var columns = results.Results.SelectMany(row => row.Select(f => f.Field)).Where(f => f != "@ptr").Distinct().ToList();
        var table = new TableWriter([.. columns]);
        foreach (IReadOnlyList<QueryResultField> row in results.Results)
        {
            table.Add([.. columns.Select(c => OneLine(row.FirstOrDefault(f => f.Field == c)?.Value ?? string.Empty))]);
        }

        table.WriteTo(console.Out, console.UseColor);
        if (results.Statistics is { } stats)
        {
            console.Error.WriteLine($"{results.Results.Count} rows; {stats.RecordsMatched:0} matched of {stats.RecordsScanned:0} scanned ({Formats.Bytes((long)stats.BytesScanned)}).");
        }
    }

    private static string OneLine(string value) => value.TrimEnd('\r', '\n').Replace("\r", string.Empty, StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string JsonRow(IReadOnlyList<QueryResultField> row) => JsonLine.Write(row, static (writer, row) =>
    {
        foreach (QueryResultField field in row.Where(f => f.Field != "@ptr"))
        {
            writer.WriteString(field.Field, field.Value);
        }
    });
}
