using Amazon.Runtime;
using Microsoft.Extensions.Time.Testing;
using Watchtower.Diagnostics;

namespace Watchtower.Tests.Support;

/// <summary>A handler wired to a <see cref="StrictCloudWatchFake"/>, a fake clock and a warning recorder.</summary>
internal sealed class HandlerHarness : IAsyncDisposable
{
    public const string Group = "/app/tests";

    public HandlerHarness(Action<CloudWatchLogHandlerOptions>? configure = null, int maxEventSize = 1_048_576, Action<StrictCloudWatchFake>? prepare = null)
    {
        Fake = new StrictCloudWatchFake(Clock, maxEventSize);
        prepare?.Invoke(Fake);
        Client = CreateClient(Fake, Clock);
        var options = new CloudWatchLogHandlerOptions { LogGroupName = Group, LogStreamName = "{logger_name}", Client = Client };
        configure?.Invoke(options);
        Handler = new CloudWatchLogHandler(options, Clock, new WarningSink(Warnings.Enqueue, Clock));
    }

    public FakeTimeProvider Clock { get; } = FakeClock.At2026();

    /// <summary>A client that talks to the fake, on the fake clock, with test credentials and no retries.</summary>
    public static CloudWatchLogsClient CreateClient(HttpMessageHandler fake, TimeProvider clock) => new(
        new CloudWatchLogsClientOptions
        {
            Region = "us-east-1",
            ServiceUrl = "https://logs.us-east-1.amazonaws.com",
            Credentials = new BasicAWSCredentials("AKIATEST", "test-secret"),
            MaxAttempts = 1,
        },
        fake,
        clock,
        _ => null);

    public StrictCloudWatchFake Fake { get; }

    public CloudWatchLogsClient Client { get; }

    public CloudWatchLogHandler Handler { get; }

    public System.Collections.Concurrent.ConcurrentQueue<string> Warnings { get; } = new();

    public HandlerMetrics Metrics => Handler.Metrics;

    public DateTimeOffset Now => Clock.GetUtcNow();

    /// <summary>Waits until the sender has taken everything queued and is waiting; fails rather than hangs.</summary>
    public Task IdleAsync() => Handler.WhenSenderIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));

    /// <summary>Waits (briefly, in real time) for background work that the test has already made due.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!condition() && waited.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(5);
        }

        Assert.True(condition(), $"Timed out waiting for: {what}");
    }

    public async ValueTask DisposeAsync()
    {
        // A test that failed half-way must not leave the sender waiting on a gate the fake clock will never pass.
        Fake.PutGate?.TrySetResult();
        Fake.HangPuts = false;
        await Handler.DisposeAsync();
        Client.Dispose();
        Fake.Dispose();
    }
}
