using Watchtower.Throughput;

namespace Watchtower.Tests.Integration;

/// <summary>The end-to-end harness is a benchmark, not a timed test: CI only checks that it runs and delivers everything on a small N.</summary>
public sealed class ThroughputHarnessTests
{
    [Fact]
    public async Task Harness_ShipsEveryEventToItsFakeEndpoint()
    {
        ThroughputResult result = await ThroughputRun.RunAsync(new ThroughputSettings(Events: 3_000, MessageBytes: 100, Streams: 3));

        Assert.Equal(3_000, result.Acknowledged);
        Assert.Equal(0, result.Dropped);
        Assert.InRange(result.Requests, 3, 3_000);
        Assert.Contains("events/s", result.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void MessageOf_IsExactlyTheBytesAsked() =>
        Assert.Equal(100, System.Text.Encoding.UTF8.GetByteCount(ThroughputRun.MessageOf(100)));
}
