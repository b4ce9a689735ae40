using Watchtower.Tests.Support;

namespace Watchtower.Tests.Integration;

/// <summary>
/// How a real process ends, and whether its logs arrive: a signal with and without a Generic Host, an application that
/// handles Ctrl-C itself. Each test runs the test app against moto with a delivery deadline far away (five minutes),
/// so that only the way the process ends can deliver the events.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class ProcessExitTests(MotoFixture moto)
{
    private const int Events = 1_000;

    [Theory]
    [InlineData("TERM", 143)]
    [InlineData("INT", 130)]
    [InlineData("HUP", 129)]
    public async Task NoHost_TerminationSignal_DeliversEverythingAndTheProcessStillEnds(string signal, int exitCode)
    {
        string group = MotoFixture.UniqueGroupName("signal-" + signal.ToLowerInvariant());
        using var app = TestAppProcess.Start("factory", moto.Endpoint, group, Events);
        await app.WaitUntilReadyAsync();

        app.Signal(signal);

        // The signal's default action still ends the process, as if the library were not there.
        Assert.Equal(exitCode, await app.WaitForExitAsync());
        IReadOnlyList<string> messages = await ReadBackAsync(group);
        Assert.Equal(Enumerable.Range(0, Events).Select(i => $"event {i}"), messages.Select(TextMessage));
    }

    [Fact]
    public async Task GenericHost_Sigterm_TheHostStopsInOrderAndEverythingArrives()
    {
        string group = MotoFixture.UniqueGroupName("signal-host");
        using var app = TestAppProcess.Start("host", moto.Endpoint, group, Events);
        await app.WaitUntilReadyAsync();

        app.Signal("TERM");

        Assert.Equal(0, await app.WaitForExitAsync());
        List<string> messages = (await ReadBackAsync(group)).Select(TextMessage).ToList();
        Assert.Equal(Enumerable.Range(0, Events).Select(i => $"event {i}"), messages.Where(m => m.StartsWith("event ", StringComparison.Ordinal)));
        // What the application logged after the signal, while the host stopped, arrived too.
        Assert.Contains("stopped by the host", messages);
    }

    [Fact]
    public async Task AppThatCancelsCtrlC_GoesOnLogging_AndEverythingArrives()
    {
        string group = MotoFixture.UniqueGroupName("signal-cancelkey");
        using var app = TestAppProcess.Start("cancelkey", moto.Endpoint, group, Events);
        await app.WaitUntilReadyAsync();

        app.Signal("INT");

        Assert.Equal(0, await app.WaitForExitAsync());
        List<string> messages = (await ReadBackAsync(group)).Select(TextMessage).ToList();
        Assert.Equal(Events + 1, messages.Count);
        Assert.Equal("after ctrl-c, still logging", messages[^1]);
        Assert.DoesNotContain("after_shutdown", app.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnhandledException_EverythingArrives_IncludingWhatTheAppsHandlerLoggedAfterOurs()
    {
        string group = MotoFixture.UniqueGroupName("unhandled");
        using var app = TestAppProcess.Start("unhandled", moto.Endpoint, group, Events);

        // The process dies of its exception, as it would without the library.
        Assert.NotEqual(0, await app.WaitForExitAsync());
        Assert.Contains("the unhandled exception", app.Output, StringComparison.Ordinal);
        List<string> messages = (await ReadBackAsync(group)).Select(TextMessage).ToList();
        Assert.Equal(Enumerable.Range(0, Events).Select(i => $"event {i}"), messages.Take(Events));
        Assert.Equal("dying of the unhandled exception", Assert.Single(messages.Skip(Events)));
    }

    [Fact]
    public async Task NoRegionOnThisMachine_TheAppRunsOn_SaysSoOnce_AndCountsWhatItCouldNotShip()
    {
        using var home = TempFolder.ForCaller();
        using var app = TestAppProcess.Start("exit", moto.Endpoint, MotoFixture.UniqueGroupName("no-region"), Events, new Dictionary<string, string?>
        {
            ["WT_NO_REGION"] = "1",
            ["AWS_REGION"] = null,
            ["AWS_DEFAULT_REGION"] = null,
            ["HOME"] = home.Path,
            ["AWS_CONFIG_FILE"] = Path.Combine(home.Path, "config"),
            ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(home.Path, "credentials"),
        });

        Assert.Equal(0, await app.WaitForExitAsync());
        string[] lines = app.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Single(lines, l => l.StartsWith("Watchtower: No AWS region is configured", StringComparison.Ordinal) && l.Contains("not_configured", StringComparison.Ordinal));
        Assert.Contains(lines, l => l == $"Watchtower: {Events} events for log group '{MotoGroupOf(app)}' were dropped during this run: not_configured {Events}.");
        Assert.DoesNotContain("Unhandled exception", app.Output, StringComparison.Ordinal);
    }

    private static string MotoGroupOf(TestAppProcess app) =>
        System.Text.RegularExpressions.Regex.Match(app.Output, "log group '([^']+)'").Groups[1].Value;

    private async Task<IReadOnlyList<string>> ReadBackAsync(string group)
    {
        using CloudWatchLogsClient client = moto.CreateClient();
        var messages = new List<string>();
        await foreach (OutputLogEvent e in client.EnumerateLogEventsAsync(new GetLogEventsRequest { LogGroupName = group, LogStreamName = "app", StartFromHead = true }))
        {
            messages.Add(e.Message!);
        }

        return messages;
    }

    /// <summary>The message part of a text-format line ("timestamp Level Category: message").</summary>
    private static string TextMessage(string line) => line[(line.IndexOf(": ", StringComparison.Ordinal) + 2)..];
}
