using Watchtower.Cli;
using Watchtower.Tests.Support;

namespace Watchtower.Tests.Cli;

/// <summary>
/// Ctrl-C during <c>query</c> stops the query on the service (StopQuery), which moto does not answer: tested against
/// the strict in-process fake, where a query runs until it is stopped.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class CliQueryStopTests
{
    [Fact]
    public async Task CtrlC_WhileTheQueryRuns_StopsItOnTheService_AndExits130()
    {
        using var environment = new EnvironmentScope(new Dictionary<string, string?> { ["AWS_ACCESS_KEY_ID"] = "AKIATEST", ["AWS_SECRET_ACCESS_KEY"] = "test-secret" });
        using var fake = new StrictCloudWatchFake(TimeProvider.System);
        using (CloudWatchLogsClient seed = HandlerHarness.CreateClient(fake, TimeProvider.System))
        {
            await seed.CreateLogGroupAsync(new CreateLogGroupRequest { LogGroupName = "/app/orders" });
        }

        using var error = new StringWriter();
        using var ctrlC = new CancellationTokenSource();
        var console = new CliConsole { Out = TextWriter.Null, Error = TextWriter.Synchronized(error), In = TextReader.Null, Transport = fake };
        Task<int> query = CliApplication.RunAsync(
            ["query", "/app/orders", "fields @message | limit 5", "--region", "us-east-1", "--endpoint-url", "https://logs.us-east-1.amazonaws.com", "--poll-interval", "20ms"],
            console,
            ctrlC.Token);
        for (int i = 0; i < 500 && fake.Operations.Count(o => o == "GetQueryResults") < 2; i++)
        {
            await Task.Delay(10);
        }

        await ctrlC.CancelAsync();

        Assert.Equal(130, await query);
        Assert.False(Assert.Single(fake.RunningQueries).Value);
        Assert.Contains("StopQuery", fake.Operations);
        Assert.Contains("query stopped", error.ToString(), StringComparison.Ordinal);
        Assert.Empty(fake.ContractViolations);
    }
}
