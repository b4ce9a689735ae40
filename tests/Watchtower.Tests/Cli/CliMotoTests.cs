using System.Text.Json;
using Watchtower.Tests.Support;

namespace Watchtower.Tests.Cli;

/// <summary>
/// The watchtower command in-process against moto_server, on data seeded by boto3, with credentials in the environment
/// as a user has them (so these tests run apart, with a moto of their own).
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class CliMotoTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    [Fact]
    public async Task Groups_And_Streams_AreTablesWithRetentionAndLastEventTimes()
    {
        using EnvironmentScope environment = Credentials();
        string group = MotoFixture.UniqueGroupName("cli-groups");
        await BotoSeed.PutAsync(moto.Endpoint, group, [("web-1", 3_000, "one"), ("web-2", 1_000, "two")]);

        CliRun groups = await Cli("groups", "--prefix", group);
        CliRun streams = await Cli("streams", group, "--order-by", "last-event");

        Assert.Equal(0, groups.ExitCode);
        Assert.Matches(@"^NAME\s+RETENTION\s+STORED\s+CREATED$", groups.Lines[0]);
        Assert.Matches($@"^{System.Text.RegularExpressions.Regex.Escape(group)}\s+never expires\s+\d+ B\s+\d{{4}}-\d\d-\d\dT", groups.Lines[1]);
        Assert.Equal(0, streams.ExitCode);
        Assert.Equal(["web-2", "web-1"], streams.Lines.Skip(1).Select(l => l.Split(' ')[0]));
    }

    [Fact]
    public async Task Tail_MergesStreamsInTimeOrder_WithSinceStreamPrefixFilterAndUnicode()
    {
        using EnvironmentScope environment = Credentials();
        string group = MotoFixture.UniqueGroupName("cli-tail");
        await BotoSeed.PutAsync(moto.Endpoint, group,
        [
            ("web-1", 40_000, "Order 1 placed"), ("web-2", 30_000, "Order 2 placed"), ("web-1", 20_000, "ERROR Order 3 failed: ünïcødé ✓ 日本"),
            ("worker", 10_000, "Order 4 shipped"), ("web-2", 3_600_000, "an hour ago"),
        ]);

        CliRun all = await Cli("tail", group, "--since", "5m", "--format", "raw");
        CliRun web = await Cli("tail", group, "--since", "5m", "--stream-prefix", "web-", "--format", "short");
        CliRun errors = await Cli("tail", group, "--since", "5m", "--filter", "ERROR", "--format", "json");
        CliRun grep = await Cli("tail", group, "--since", "5m", "--grep", @"Order [24]", "--grepv", "shipped");

        Assert.Equal(["Order 1 placed", "Order 2 placed", "ERROR Order 3 failed: ünïcødé ✓ 日本", "Order 4 shipped"], all.Lines);
        Assert.Equal(3, web.Lines.Length);
        Assert.All(web.Lines, l => Assert.Matches(@"^\d\d:\d\d:\d\d\.\d{3} ", l));
        JsonElement error = JsonDocument.Parse(Assert.Single(errors.Lines)).RootElement;
        Assert.Equal("ERROR Order 3 failed: ünïcødé ✓ 日本", error.GetProperty("message").GetString());
        Assert.Equal("web-1", error.GetProperty("stream").GetString());
        Assert.Equal(group, error.GetProperty("group").GetString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z web-2 Order 2 placed$", Assert.Single(grep.Lines));
    }

    [Fact]
    public async Task TailFollow_ShowsANewEventOnce_AndALateEventStamped40sAgo_AlsoOnce()
    {
        using EnvironmentScope environment = Credentials();
        string group = MotoFixture.UniqueGroupName("cli-follow");
        await BotoSeed.PutAsync(moto.Endpoint, group, [("web-1", 5_000, "before the follow")]);
        using var output = new StringWriter();
        using var stop = new CancellationTokenSource();
        var console = new Watchtower.Cli.CliConsole { Out = TextWriter.Synchronized(output), Error = TextWriter.Null, In = TextReader.Null };
        Task<int> follow = Watchtower.Cli.CliApplication.RunAsync(
            ["tail", group, "--endpoint-url", moto.Endpoint.ToString(), "--since", "1m", "--follow", "--interval", "200ms", "--format", "raw"], console, stop.Token);

        await WaitForAsync(() => output.ToString().Contains("before the follow", StringComparison.Ordinal));
        await BotoSeed.PutAsync(moto.Endpoint, group, [("web-1", 0, "new")], createGroup: false);
        await WaitForAsync(() => output.ToString().Contains("new", StringComparison.Ordinal));
        // web-2's shipper delivers an event stamped 40 s ago, after web-1's newer ones were shown.
        await BotoSeed.PutAsync(moto.Endpoint, group, [("web-2", 40_000, "late by 40 s")], createGroup: false);
        await WaitForAsync(() => output.ToString().Contains("late by 40 s", StringComparison.Ordinal));
        await Task.Delay(1_000); // five more polls that read every event again
        await stop.CancelAsync();

        Assert.Equal(0, await follow);
        string[] lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["before the follow", "new", "late by 40 s"], lines);
    }

    [Fact]
    public async Task Send_ShipsEveryStdinLineInOrder_AndExitsZero()
    {
        using EnvironmentScope environment = Credentials();
        using CloudWatchLogsClient client = moto.CreateClient();
        string group = MotoFixture.UniqueGroupName("cli-send");
        string[] lines = [.. Enumerable.Range(1, 500).Select(i => $"line {i} ✓")];

        CliRun send = await Cli(["send", group, "--stream", "agent"], stdin: string.Join('\n', lines) + "\n\n");

        Assert.Equal(0, send.ExitCode);
        var stored = new List<string>();
        await foreach (OutputLogEvent e in client.EnumerateLogEventsAsync(new GetLogEventsRequest { LogGroupName = group, LogStreamName = "agent", StartFromHead = true }))
        {
            stored.Add(e.Message);
        }

        Assert.Equal(lines, stored);
    }

    [Fact]
    public async Task Send_ThatCannotDeliver_ExitsNonZero_WithTheCountByReason()
    {
        using EnvironmentScope environment = Credentials();

        CliRun send = await Watchtower.Tests.Cli.CliRun.RunAsync(
            ["send", "/app/unreachable", "--endpoint-url", "http://127.0.0.1:9", "--region", "us-east-1", "--shutdown-timeout", "1s"], stdin: "a\nb\nc\n");

        Assert.Equal(6, send.ExitCode);
        Assert.Contains("3 of 3 lines were not delivered to '/app/unreachable'", send.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_ReturnsTheMatchingRows()
    {
        // moto runs fields, sort and limit (not filter): the rows asked for are this group's two oldest.
        using EnvironmentScope environment = Credentials();
        string group = MotoFixture.UniqueGroupName("cli-query");
        await BotoSeed.PutAsync(moto.Endpoint, group, [("web-1", 3_000, "Order 1 placed"), ("web-1", 2_000, "Order 2 placed"), ("web-2", 1_000, "health check")]);

        CliRun table = await Cli("query", group, "fields @timestamp, @message | sort @timestamp asc | limit 2", "--since", "10m");
        CliRun json = await Cli("query", group, "fields @message | sort @timestamp asc | limit 2", "--since", "10m", "--format", "json");

        Assert.Equal(0, table.ExitCode);
        Assert.Matches(@"^@timestamp\s+@message$", table.Lines[0]);
        Assert.Equal(["Order 1 placed", "Order 2 placed"], table.Lines.Skip(1).Select(l => l.Split("  ", 2)[1].Trim()));
        Assert.Equal(0, json.ExitCode);
        Assert.Equal(["Order 1 placed", "Order 2 placed"], json.Lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("@message").GetString()));
    }

    [Fact]
    public async Task AMissingArgument_AndAMissingRegion_AndAMissingGroup_EachGiveOneShortLineAndANonZeroExit()
    {
        using EnvironmentScope environment = Credentials();

        CliRun noGroup = await Watchtower.Tests.Cli.CliRun.RunAsync(["tail"]);
        environment.Set("AWS_REGION", null);
        Amazon.Runtime.FallbackRegionFactory.Reset();
        CliRun noRegion = await Watchtower.Tests.Cli.CliRun.RunAsync(["groups", "--endpoint-url", moto.Endpoint.ToString()]);
        CliRun notFound = await Cli("tail", "/watchtower/tests/no-such-group");

        Assert.Equal(2, noGroup.ExitCode);
        Assert.StartsWith("watchtower: Required argument missing for command: 'tail'.", noGroup.Error, StringComparison.Ordinal);
        Assert.Equal(3, noRegion.ExitCode);
        Assert.Equal("watchtower: No AWS region is configured. Pass --region (for example --region eu-west-1), or set AWS_REGION, or 'region' in your profile.", noRegion.Error.Trim());
        Assert.Equal(4, notFound.ExitCode);
        Assert.Single(notFound.Error.Trim().Split('\n'));
        Assert.DoesNotContain("   at ", noGroup.Error + noRegion.Error + notFound.Error, StringComparison.Ordinal);
    }

    private Task<CliRun> Cli(params string[] args) => Cli(args, stdin: string.Empty);

    private Task<CliRun> Cli(string[] args, string stdin) =>
        Watchtower.Tests.Cli.CliRun.RunAsync([.. args, "--endpoint-url", moto.Endpoint.ToString(), "--region", "us-east-1"], stdin);

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (int i = 0; i < 300 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        Assert.True(condition(), "the follow did not print it within 15 s");
    }

    private static EnvironmentScope Credentials() => EnvironmentScope.WithTestCredentials(("AWS_REGION", "us-east-1"));
}
