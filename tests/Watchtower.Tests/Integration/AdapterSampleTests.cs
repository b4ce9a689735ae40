using Watchtower.Tests.Support;

namespace Watchtower.Tests.Integration;

/// <summary>
/// The adapter samples, run against moto_server as a user would run them: configured by their framework's own files,
/// with the credentials in the environment (so they run apart, with a moto of their own).
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class AdapterSampleTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    [Fact]
    public async Task SerilogAspNetCore_ShipsApplicationAndRequestLogs()
    {
        string output = await RunWebSampleAsync(MotoFixture.UniqueGroupName("sample-serilog"));

        Assert.Contains("GET /orders/42 -> {\"id\":42,\"item\":\"book\"}", output, StringComparison.Ordinal);
        Assert.Contains("\"message\":\"Order 42 looked up by \\\"Zoë\\\"\"", output, StringComparison.Ordinal);
        Assert.Contains("\"messageTemplate\":\"HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0000} ms\"", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NLogConsole_ShipsFromNLogConfig()
    {
        string output = await RunAsync(writer => Watchtower.Samples.NLogConsoleSample.RunAsync(moto.Endpoint, writer, MotoFixture.UniqueGroupName("sample-nlog")));

        Assert.Contains("Read back all 3 events", output, StringComparison.Ordinal);
        Assert.Contains("\"Application\":\"nlog-console\",\"CheckoutId\":\"c-1001\"", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Log4NetConsole_ShipsFromLog4NetConfig()
    {
        string output = await RunAsync(writer => Watchtower.Samples.Log4NetConsoleSample.RunAsync(moto.Endpoint, writer, MotoFixture.UniqueGroupName("sample-log4net")));

        Assert.Contains("Read back all 3 events", output, StringComparison.Ordinal);
        Assert.Contains("\"exception\":{\"type\":\"System.TimeoutException\",\"message\":\"the warehouse did not answer\"}", output, StringComparison.Ordinal);
    }

    /// <summary>The web sample as its own process, from its own folder (built with the tests, in their configuration).</summary>
    private async Task<string> RunWebSampleAsync(string group)
    {
        string dll = SampleBuild.Dll("SerilogAspNetCore", "SerilogAspNetCore");
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add(moto.Endpoint.ToString());
        start.ArgumentList.Add(group);
        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        start.Environment["AWS_ACCESS_KEY_ID"] = "testing-access-key";
        start.Environment["AWS_SECRET_ACCESS_KEY"] = "testing-secret-key";
        using var process = System.Diagnostics.Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        string output = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, output);
        return output;
    }

    private static async Task<string> RunAsync(Func<TextWriter, Task<int>> sample)
    {
        // CW_ENDPOINT and CW_GROUP are set by the NLog and log4net samples for their configuration files; restored after.
        using var environment = EnvironmentScope.WithTestCredentials(("CW_ENDPOINT", null), ("CW_GROUP", null));
        using var writer = new StringWriter();
        int exitCode = await sample(writer);
        Assert.True(exitCode == 0, writer.ToString());
        return writer.ToString();
    }
}
