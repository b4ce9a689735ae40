using Watchtower.Tests.Support;

namespace Watchtower.Tests.Integration;

/// <summary>Every sample app, run against moto_server as a user would run it.</summary>
[Collection(MotoCollection.Name)]
public sealed class SampleTests(MotoFixture moto)
{
    [Fact]
    public async Task LoggingDemo_ShipsThroughAddCloudWatch_AndReadsEverythingBack()
    {
        string output = await RunAsync(writer => Watchtower.Samples.LoggingDemo.RunAsync(moto.Endpoint, writer, MotoFixture.UniqueGroupName("logging-demo")));

        Assert.Contains("Read back all 4 events, in order.", output, StringComparison.Ordinal);
        Assert.Contains("retention 7 days; tags: project=watchtower, purpose=demo", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientDemo_RoundTripsThroughTheClient()
    {
        string output = await RunAsync(writer => Watchtower.Samples.ClientDemo.RunAsync(moto.Endpoint, writer, MotoFixture.UniqueGroupName("demo")));

        Assert.Contains("Read back all 5 events, byte for byte.", output, StringComparison.Ordinal);
        Assert.Contains("tags: project=watchtower, purpose=demo", output, StringComparison.Ordinal);
    }

    private static async Task<string> RunAsync(Func<TextWriter, Task<int>> sample)
    {
        using var writer = new StringWriter();
        int exitCode = await sample(writer);
        Assert.True(exitCode == 0, writer.ToString());
        return writer.ToString();
    }
}
