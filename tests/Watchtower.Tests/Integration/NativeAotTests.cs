using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Watchtower.Tests.Support;
using Xunit.Abstractions;

namespace Watchtower.Tests.Integration;

/// <summary>
/// A Native AOT application (tests/Watchtower.AotApp: a Generic Host on the Microsoft.Extensions 10.x stack,
/// configured only from appsettings.json), published here and run against moto: it must publish with no trim or AOT
/// warning and ship its events to the group, stream and retention its appsettings.json names.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class NativeAotTests(MotoFixture moto, ITestOutputHelper output)
{
    [Fact]
    public async Task PublishedWithNativeAot_NoWarning_AndShipsAsConfigured()
    {
        using var folder = TempFolder.ForCaller();
        string project = Path.Combine(RepositoryRoot.Path, "tests", "Watchtower.AotApp");
        (int publishExit, string publishOutput) = await RunAsync("dotnet", ["publish", project, "-c", "Release", "-r", RuntimeInformation.RuntimeIdentifier, "-o", folder.Path, "-nologo"], folder.Path, TimeSpan.FromMinutes(8));
        Assert.True(publishExit == 0, publishOutput);
        string[] warnings = publishOutput.Split('\n').Where(l => l.Contains("warning IL", StringComparison.Ordinal)).Distinct().ToArray();
        Assert.True(warnings.Length == 0, "trim or AOT warnings:\n" + string.Join('\n', warnings));

        // Its configuration, and only that, says where to ship: appsettings.json next to the binary.
        string group = MotoFixture.UniqueGroupName("aot");
        string settingsPath = Path.Combine(folder.Path, "appsettings.json");
        JsonNode settings = JsonNode.Parse(await File.ReadAllTextAsync(settingsPath))!;
        JsonNode cloudWatch = settings["Logging"]!["CloudWatch"]!;
        cloudWatch["ServiceUrl"] = moto.Endpoint.ToString();
        cloudWatch["LogGroupName"] = group;
        await File.WriteAllTextAsync(settingsPath, settings.ToJsonString());

        string binary = Path.Combine(folder.Path, "Watchtower.AotApp");
        (int runExit, string runOutput) = await RunAsync(binary, ["25"], folder.Path, TimeSpan.FromMinutes(1));
        output.WriteLine(runOutput);
        Assert.True(runExit == 0, runOutput);

        using CloudWatchLogsClient client = moto.CreateClient();
        LogGroup shipped = Assert.Single(await client.EnumerateLogGroupsAsync(new DescribeLogGroupsRequest { LogGroupNamePrefix = group }).ToListAsync());
        Assert.Equal(14, shipped.RetentionInDays);
        LogStream stream = Assert.Single(await client.EnumerateLogStreamsAsync(new DescribeLogStreamsRequest { LogGroupName = group }).ToListAsync());
        Assert.Equal("aot-Watchtower.AotApp.AotEvents", stream.LogStreamName);
        var messages = new List<JsonElement>();
        await foreach (OutputLogEvent e in client.EnumerateLogEventsAsync(new GetLogEventsRequest { LogGroupName = group, LogStreamName = stream.LogStreamName, StartFromHead = true }))
        {
            messages.Add(JsonDocument.Parse(e.Message!).RootElement.Clone());
        }

        Assert.Equal(26, messages.Count);
        Assert.Equal("aot event 24 of 25", messages[24].GetProperty("message").GetString());
        Assert.Equal(24, messages[24].GetProperty("properties").GetProperty("Number").GetInt32());

        // Under AOT, an object without a JsonTypeInfoResolver for it is written as its ToString(), as the README says.
        Assert.Equal("Order { Id = 42, Item = book }", messages[25].GetProperty("properties").GetProperty("Order").GetString());
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, string[] arguments, string workingDirectory, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        start.Environment["AWS_ACCESS_KEY_ID"] = "testing-access-key";
        start.Environment["AWS_SECRET_ACCESS_KEY"] = "testing-secret-key";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cancel.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
