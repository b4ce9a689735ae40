using Watchtower.Tests.Support;

namespace Watchtower.Tests.Integration;

/// <summary>
/// The samples that are applications of their own (a minimal API, a Worker Service, a console app configured from a
/// file with its own AWS profile), each run from its own folder as a separate process against moto_server.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class HostingSampleTests(MotoFixture moto)
{
    [Fact]
    public async Task AspNetCore_ShipsApplicationAndRequestLogs_ToAGroupNamedAfterTheApp()
    {
        using TestAppProcess app = TestAppProcess.StartDll(SampleBuild.Dll("AspNetCore", "OrdersApi"), [moto.Endpoint.ToString()]);

        Assert.Equal(0, await app.WaitForExitAsync());
        Assert.Contains("GET /orders/42 -> 200", app.Output, StringComparison.Ordinal);
        Assert.Contains("from /aspnetcore/OrdersApi: 2 application, 4 request events.", app.Output, StringComparison.Ordinal);
        Assert.Contains("\"message\":\"Order 42 looked up\",\"properties\":{\"OrderId\":42}", app.Output, StringComparison.Ordinal);
        Assert.Contains("\"message\":\"Request finished HTTP/1.1 GET http://127.0.0.1:", app.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Worker_OnSigterm_TheHostsShutdownDeliversEverything()
    {
        string group = MotoFixture.UniqueGroupName("sample-worker");
        using TestAppProcess worker = TestAppProcess.StartDll(SampleBuild.Dll("Worker", "Worker"), [moto.Endpoint.ToString(), group]);
        await worker.WaitUntilReadyAsync();

        worker.Signal("TERM"); // as a container stop does; the delivery deadline (10 min) has not come
        Assert.Equal(0, await worker.WaitForExitAsync());

        using CloudWatchLogsClient client = moto.CreateClient();
        var messages = new List<string>();
        await foreach (OutputLogEvent e in client.EnumerateLogEventsAsync(new GetLogEventsRequest { LogGroupName = group, LogStreamName = "orders-worker", StartFromHead = true }))
        {
            messages.Add(System.Text.Json.JsonDocument.Parse(e.Message).RootElement.GetProperty("message").GetString()!);
        }

        Assert.Equal(Enumerable.Range(1, 500).Select(i => $"Processed order {i}"), messages);
    }

    [Fact]
    public async Task ConfigFile_ShipsWithTheLoggingProfile_AndNoOtherCredentials()
    {
        string group = MotoFixture.UniqueGroupName("sample-config-file");
        using TestAppProcess app = TestAppProcess.StartDll(
            SampleBuild.Dll("ConfigFile", "ConfigFile"),
            [moto.Endpoint.ToString(), group],
            new Dictionary<string, string?> { ["AWS_ACCESS_KEY_ID"] = null, ["AWS_SECRET_ACCESS_KEY"] = null, ["AWS_REGION"] = null, ["AWS_SHARED_CREDENTIALS_FILE"] = null, ["AWS_CONFIG_FILE"] = null });

        Assert.Equal(0, await app.WaitForExitAsync());
        Assert.Contains($"Read back all 2 events from {group}/config-file/Orders.", app.Output, StringComparison.Ordinal);
        Assert.Contains("\"scopes\":[{\"Tenant\":\"acme\"}]", app.Output, StringComparison.Ordinal);
    }
}
